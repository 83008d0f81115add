/** `lineguard user add|list`: console accounts, managed on the hub's own machine. */
import type { Readable } from 'node:stream';
import type { z } from 'zod';
import { HubError } from '../server/errors.js';
import { hashPassword } from '../server/password.js';
import { NewPassword, USER_ROLES, UserName } from '../server/schemas.js';
import { openStore } from '../store/index.js';
import type { UserRole } from '../store/types.js';
import { type CommandIO, UsageError } from './analyze-command.js';
import { EXIT } from './exit.js';
import { type StoreFlags, storeOptions } from './serve-command.js';

export interface UserAddFlags extends StoreFlags {
  admin?: boolean;
  role?: string;
  passwordStdin?: boolean;
}

export interface UserIO extends CommandIO {
  stdin: Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
}

function roleOf(flags: UserAddFlags): UserRole {
  if (flags.admin && flags.role !== undefined && flags.role !== 'admin') {
    throw new UsageError(`--admin and --role ${flags.role} disagree: give one of them`);
  }
  if (flags.admin) return 'admin';
  const role = flags.role ?? 'viewer';
  if (!(USER_ROLES as readonly string[]).includes(role)) {
    throw new UsageError(`--role ${role}: expected one of ${USER_ROLES.join(', ')}`);
  }
  return role as UserRole;
}

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads one line from a terminal without echoing it. */
function promptHidden(question: string, io: UserIO): Promise<string> {
  const { stdin } = io;
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      io.stderr.write('\n');
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of chunk.toString()) {
        if (ch === '\r' || ch === '\n') {
          finish();
          resolve(typed);
          return;
        }
        if (ch === '\u0003' || ch === '\u0004') {
          finish();
          reject(new UsageError('cancelled: no user added'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1);
        else if (ch >= ' ') typed += ch;
      }
    };
    io.stderr.write(question);
    stdin.setRawMode?.(true);
    stdin.on('data', onData);
    stdin.resume();
  });
}

async function readPassword(flags: UserAddFlags, io: UserIO): Promise<string> {
  if (flags.passwordStdin) {
    // One line: the trailing newline of `echo` or a file is not part of the password.
    return (await readAll(io.stdin)).replace(/\r?\n$/, '');
  }
  if (!io.stdin.isTTY) {
    throw new UsageError('no terminal to ask for the password on: pipe it in with --password-stdin');
  }
  const first = await promptHidden('Password: ', io);
  const again = await promptHidden('Password again: ', io);
  if (first !== again) throw new UsageError('the two passwords differ: no user added');
  return first;
}

function check<T>(what: string, schema: z.ZodType<T>, v: unknown): T {
  const r = schema.safeParse(v);
  if (!r.success) throw new HubError('LG_VALIDATION', `${what}: ${r.error.issues[0]?.message ?? 'invalid'}`);
  return r.data;
}

export async function runUserAdd(name: string, flags: UserAddFlags, io: UserIO): Promise<number> {
  const userName = check('user name', UserName, name);
  const role = roleOf(flags);
  const password = check('password', NewPassword, await readPassword(flags, io));
  const store = await openStore(storeOptions(flags));
  try {
    if (await store.userByName(userName)) {
      throw new HubError('LG_CONFLICT', `a user named ${userName} exists already`);
    }
    const user = await store.createUser({ name: userName, role, passwordHash: await hashPassword(password) });
    io.stdout.write(`Added ${user.role} ${user.name}.\n`);
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

export async function runUserList(flags: StoreFlags, io: CommandIO): Promise<number> {
  const store = await openStore(storeOptions(flags));
  try {
    const users = await store.listUsers();
    if (users.length === 0) io.stdout.write('No console users yet: lineguard user add NAME --admin\n');
    for (const u of users) {
      const state = u.disabled ? '  (disabled)' : '';
      io.stdout.write(
        `${u.name.padEnd(24)} ${u.role.padEnd(9)} since ${new Date(u.created).toISOString()}${state}\n`,
      );
    }
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
