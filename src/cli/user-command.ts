/**
 * `lineguard user add|list|passwd|reset-factors`: console accounts, managed on the hub's own
 * machine. `passwd` and `reset-factors` are the way back in for someone locked out (a forgotten
 * password, a lost key): whoever can run them can read the data folder anyway. Both end the
 * person's console sessions and leave an entry in the gateway's audit log when it has one.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { z } from 'zod';
import { resetFactors } from '../access/factors.js';
import { type AccessState, closeAccessState, openAccessState } from '../access/state.js';
import { HubError } from '../server/errors.js';
import { hashPassword } from '../server/password.js';
import { NewPassword, USER_ROLES, UserName } from '../server/schemas.js';
import { openStore } from '../store/index.js';
import type { Store, User, UserRole } from '../store/types.js';
import { type CommandIO, UsageError } from './analyze-command.js';
import { EXIT } from './exit.js';
import { ACCESS_DB_FILE } from './hub-access.js';
import { type StoreFlags, storeOptions } from './serve-command.js';

export interface PasswordFlags extends StoreFlags {
  passwordStdin?: boolean;
}

export interface UserAddFlags extends PasswordFlags {
  admin?: boolean;
  role?: string;
}

/** Who acts when a command on the hub's machine changes a person: named in the audit log. */
const HOST_ACTOR = 'host';

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
          reject(new UsageError('cancelled: nothing changed'));
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

async function readPassword(flags: PasswordFlags, io: UserIO): Promise<string> {
  if (flags.passwordStdin) {
    // One line: the trailing newline of `echo` or a file is not part of the password.
    return (await readAll(io.stdin)).replace(/\r?\n$/, '');
  }
  if (!io.stdin.isTTY) {
    throw new UsageError('no terminal to ask for the password on: pipe it in with --password-stdin');
  }
  const first = await promptHidden('Password: ', io);
  const again = await promptHidden('Password again: ', io);
  if (first !== again) throw new UsageError('the two passwords differ: nothing changed');
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

/** The console account `name`, or the error that says there is none. */
async function account(store: Store, name: string): Promise<User> {
  const user = await store.userByName(name);
  if (!user) throw new HubError('LG_NOT_FOUND', `no console user ${name}: lineguard user list shows them`);
  return user;
}

/** The gateway's state in the data folder, when the gateway was ever run there. */
async function gatewayState(dataDir: string): Promise<AccessState | undefined> {
  const dbPath = join(dataDir, ACCESS_DB_FILE);
  return existsSync(dbPath) ? openAccessState({ dbPath, mustExist: true }) : undefined;
}

export async function runUserPasswd(name: string, flags: PasswordFlags, io: UserIO): Promise<number> {
  const userName = check('user name', UserName, name);
  const where = storeOptions(flags);
  const store = await openStore(where);
  try {
    const user = await account(store, userName);
    const password = check('password', NewPassword, await readPassword(flags, io));
    await store.setPassword(user.id, await hashPassword(password));
    await store.deleteUserSessions(user.id);
    const gw = await gatewayState(where.dataDir);
    if (gw)
      try {
        await gw.audit.append({
          type: 'access.password.change',
          actor: HOST_ACTOR,
          subject: user.name,
          data: { by: 'host' },
        });
      } finally {
        await closeAccessState(gw);
      }
    io.stdout.write(`Password of ${user.name} changed; their console sessions have ended.\n`);
    return EXIT.ok;
  } finally {
    await store.close();
  }
}

export async function runUserResetFactors(name: string, flags: StoreFlags, io: CommandIO): Promise<number> {
  const userName = check('user name', UserName, name);
  const where = storeOptions(flags);
  const gw = await gatewayState(where.dataDir);
  if (!gw)
    throw new HubError(
      'LG_NOT_FOUND',
      `no gateway database in ${where.dataDir}: security keys and authenticator apps live there (--data-dir)`,
    );
  const store = await openStore(where);
  try {
    gw.directory.enabledUser(userName);
    const { keys, authenticator } = await resetFactors(gw.db, gw.audit, userName, HOST_ACTOR);
    const user = await store.userByName(userName);
    if (user) await store.deleteUserSessions(user.id);
    const what = [
      `${keys.length} security key${keys.length === 1 ? '' : 's'}`,
      ...(authenticator ? ['the authenticator app'] : []),
    ].join(' and ');
    io.stdout.write(
      `Removed ${what} of ${userName}; their console sessions have ended. Until they register a new key, the password alone signs them in.\n`,
    );
    return EXIT.ok;
  } finally {
    await store.close();
    await closeAccessState(gw);
  }
}
