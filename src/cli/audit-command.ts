/**
 * `lineguard audit verify` and `lineguard audit export`: the gateway's hash-chained audit log,
 * checked from the first entry (exit 65 naming the first entry that does not hold) or written
 * out as JSON lines or CEF (optionally in syslog framing), to standard output or to a file
 * written whole or not at all.
 */
import { once } from 'node:events';
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Command } from '@commander-js/extra-typings';
import { accessDbPath, DB_HELP, type Out } from './access-command.js';
import { partialPath } from './atomic-file.js';
import { EXIT } from './exit.js';

/** Exit status of `audit verify` when the chain is broken (sysexits EX_DATAERR). */
export const EXIT_TAMPERED = 65;

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description("The access gateway's tamper-evident audit log");
  audit
    .command('verify')
    .description('Check the hash chain from the first entry; names the first entry that does not hold')
    .option('--db <file>', DB_HELP)
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nExit codes: 0 intact · 65 tampered (the first bad entry is named) · 66 no database',
    )
    .action(async (flags) => {
      process.exitCode = await runAuditVerify(flags, { stdout: process.stdout, stderr: process.stderr });
    });
  audit
    .command('export')
    .description('Write the audit log as JSON lines or CEF')
    .option('--format <format>', 'jsonl or cef', 'jsonl')
    .option('--syslog', 'with cef: RFC 5424 syslog framing around each CEF line')
    .option('--from <seq>', 'first entry to write', '1')
    .option('--out <file>', 'write to <file> instead of standard output')
    .option('--db <file>', DB_HELP)
    .action(async (flags) => {
      process.exitCode = await runAuditExport(flags, { stdout: process.stdout, stderr: process.stderr });
    });
}

async function openState(dbFlag: string | undefined, io: { stderr: Out }, cmd: string) {
  const { openAccessState } = await import('../access/state.js');
  const { AccessError } = await import('../access/errors.js');
  try {
    return await openAccessState({ dbPath: accessDbPath(dbFlag), mustExist: true });
  } catch (e) {
    if (e instanceof AccessError) {
      io.stderr.write(`lineguard audit ${cmd}: ${e.detail}\n`);
      return undefined;
    }
    throw e;
  }
}

export async function runAuditVerify(
  flags: { db?: string; json?: boolean },
  io: { stdout: Out; stderr: Out },
): Promise<number> {
  const state = await openState(flags.db, io, 'verify');
  if (state === undefined) return EXIT.input;
  const { verifyAudit } = await import('../access/audit/verify.js');
  const { closeAccessState } = await import('../access/state.js');
  try {
    const r = await verifyAudit(state.db);
    if (flags.json) io.stdout.write(`${JSON.stringify(r)}\n`);
    else if (r.ok) io.stdout.write(`audit log intact: ${r.entries} entries, head ${r.head}\n`);
    else
      io.stdout.write(
        `audit log TAMPERED at entry ${r.seq} (${r.problem}): ${r.detail}; ${r.entries} entries before it hold\n`,
      );
    return r.ok ? EXIT.ok : EXIT_TAMPERED;
  } finally {
    await closeAccessState(state);
  }
}

export async function runAuditExport(
  flags: { format: string; syslog?: boolean; from: string; out?: string; db?: string },
  io: { stdout: Out; stderr: Out },
): Promise<number> {
  if (flags.format !== 'jsonl' && flags.format !== 'cef') {
    io.stderr.write(`lineguard audit export: --format ${flags.format}: jsonl or cef\n`);
    return EXIT.usage;
  }
  const from = Number(flags.from);
  if (!Number.isInteger(from) || from < 1) {
    io.stderr.write(`lineguard audit export: --from ${flags.from}: a whole number from 1\n`);
    return EXIT.usage;
  }
  if (flags.syslog && flags.format !== 'cef') {
    io.stderr.write('lineguard audit export: --syslog goes with --format cef\n');
    return EXIT.usage;
  }
  const state = await openState(flags.db, io, 'export');
  if (state === undefined) return EXIT.input;
  const { toCef, toJsonLine, toSyslogCef } = await import('../access/audit/export.js');
  const { closeAccessState } = await import('../access/state.js');
  const version = process.env.npm_package_version ?? '0.1.0';
  const host = hostname();
  const line =
    flags.format === 'jsonl'
      ? toJsonLine
      : flags.syslog
        ? (e: Parameters<typeof toCef>[0]) => toSyslogCef(e, version, host)
        : (e: Parameters<typeof toCef>[0]) => toCef(e, version);
  const tmp = flags.out === undefined ? undefined : partialPath(flags.out);
  const file = tmp === undefined ? undefined : createWriteStream(tmp, { mode: 0o640 });
  try {
    for await (const e of state.audit.entries({ from })) {
      const s = `${line(e)}\n`;
      if (file === undefined) io.stdout.write(s);
      else if (!file.write(s)) await once(file, 'drain');
    }
    if (file !== undefined && tmp !== undefined && flags.out !== undefined) {
      file.end();
      await once(file, 'close');
      renameSync(tmp, flags.out);
    }
    return EXIT.ok;
  } catch (e) {
    if (file !== undefined && tmp !== undefined) {
      file.destroy();
      rmSync(tmp, { force: true });
      io.stderr.write(`lineguard audit export: ${flags.out}: ${(e as Error).message}\n`);
      return EXIT.output;
    }
    throw e;
  } finally {
    await closeAccessState(state);
  }
}
