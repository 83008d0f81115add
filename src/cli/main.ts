#!/usr/bin/env -S node --max-semi-space-size=4 --heap-growing-percent=50
/**
 * The `lineguard` command. Two V8 heap settings, for analysis, which allocates many short-lived
 * objects: 4 MiB semi-spaces (V8's default grows to 16) and an old generation that grows in
 * steps of 50 % (V8 picks a factor of up to 4 by allocation rate). Together they cut peak RSS on the 1 GiB bench capture from about
 * 134 to 111 MiB on one thread and 172 to 136 MiB on two, at no measurable cost in speed
 * (bench/run.ts). V8 reads them only at start-up, hence the shebang; bench/run.ts runs the CLI
 * with these same flags.
 */
import { isIP } from 'node:net';
import { Command, InvalidArgumentError } from '@commander-js/extra-typings';
import { registerAccessCommands } from './access-command.js';
import { runAnalyze, UsageError } from './analyze-command.js';
import { registerAuditCommands } from './audit-command.js';
import { EXIT, EXIT_HELP } from './exit.js';
import { hubFailure } from './hub-exit.js';
import { parseSize } from './size.js';

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

function positiveNumber(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a positive number');
  return n;
}

function portNumber(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535)
    throw new InvalidArgumentError('expected a port, 0 to 65535');
  return n;
}

/** `10.0.0.5,192.168.0.0/24,::1`: each an IP address or a CIDR range. */
function proxyList(v: string): string[] {
  const list = v.split(',').map((a) => a.trim());
  for (const a of list) {
    const [ip, bits, extra] = a.split('/');
    const family = isIP(ip ?? '');
    const max = family === 6 ? 128 : 32;
    const okBits = bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= max);
    if (family === 0 || !okBits || extra !== undefined)
      throw new InvalidArgumentError(`"${a}" is not an IP address or CIDR range`);
  }
  return list;
}

function keyWindow(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 60)
    throw new InvalidArgumentError('expected whole minutes, 1 to 60');
  return n;
}

function sizeArg(v: string): number {
  try {
    return parseSize(v);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

export function buildProgram(): Command {
  const program = new Command()
    .name('lineguard')
    .description('Zero-trust security for industrial networks: see every device, contain every intruder.')
    .version(process.env.npm_package_version ?? '0.1.0')
    .showHelpAfterError()
    .addHelpText('after', EXIT_HELP)
    .exitOverride();

  program
    .command('analyze')
    .description('Analyse captures (pcap, pcapng, gzip; - for standard input) or a live interface')
    .argument('[captures...]', 'capture files, or - for standard input')
    .option('--json', 'print the summary as JSON')
    .option('--events <file>', 'write every event as JSON lines to <file> (- for standard output)')
    .option('--inventory <file>', 'write the asset inventory as JSON to <file> (- for standard output)')
    .option(
      '--csv <file>',
      'write the asset inventory as CSV to <file> (- for standard output; with any -, the summary goes to standard error)',
    )
    .option('-i, --interface <name>', 'capture live from a network interface (uses tcpdump)')
    .option('--filter <bpf>', 'with --interface: a BPF filter, e.g. "tcp port 502"')
    .option('--count <n>', 'with --interface: stop after <n> packets', positiveInt)
    .option('--duration <seconds>', 'with --interface: stop after this long', positiveNumber)
    .option(
      '--port <analyzer=ports>',
      'run an analyzer on these ports instead of its defaults, e.g. dns=53,5053 (repeatable)',
      (v: string, prev: string[]) => [...prev, v],
      [] as string[],
    )
    .option('--no-analyzers', 'decode, flows and reassembly only: no protocol analyzers')
    .option(
      '--threads <n>',
      'analyse on n threads, at most one per core (default: one per core, up to 4, for captures of 32 MiB or more; else 1)',
      positiveInt,
    )
    .option('--no-progress', 'no progress bar even on a terminal')
    .addHelpText('after', EXIT_HELP)
    .action(async (captures, flags) => {
      process.exitCode = await runAnalyze(captures, flags, {
        stdout: process.stdout,
        stderr: process.stderr,
      });
    });

  const storeHelp = {
    db: 'PostgreSQL URL (postgres://…); default SQLite in --data-dir; env LINEGUARD_DATABASE_URL',
    dataDir: 'SQLite data folder (default ./lineguard-data; env LINEGUARD_DATA_DIR)',
  };

  program
    .command('serve')
    .description(
      'Run the hub: the HTTP API and the web console over the store, and the access gateway when LINEGUARD_CA_PASSPHRASE or LINEGUARD_CA_PASSPHRASE_FILE is set',
    )
    .option('--db <url>', storeHelp.db)
    .option('--data-dir <dir>', storeHelp.dataDir)
    .option('--port <n>', 'port to listen on (0: any free port)', portNumber, 8440)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--max-upload <size>', 'largest capture upload, e.g. 512M or 2G (default 512M)', sizeArg)
    .option(
      '--public-url <url>',
      "the console's URL as browsers reach it; security keys are bound to its host (default http://localhost:<port>; env LINEGUARD_PUBLIC_URL)",
    )
    .option(
      '--gateway-config <file>',
      "the access gateway's Modbus, S7, EtherNet/IP and TCP listeners (JSON; env LINEGUARD_GATEWAY_CONFIG)",
    )
    .option(
      '--allow-totp',
      'allow authenticator-app codes as a fallback second factor for the console (not phishing-resistant: audited as such, no client certificates)',
    )
    .option(
      '--key-window <minutes>',
      'how recent a security-key sign-in must be for a device certificate, adding an authenticator app and step-up changes (1 to 60; default 5)',
      keyWindow,
    )
    .option(
      '--trust-proxy <addresses>',
      'reverse proxies (comma-separated addresses or CIDR ranges) whose X-Forwarded-For and X-Forwarded-Proto are believed',
      proxyList,
    )
    .addHelpText('after', EXIT_HELP)
    .action(async (flags) => {
      const { runServe } = await import('./serve-command.js');
      process.exitCode = await runServe(flags, { stdout: process.stdout, stderr: process.stderr });
    });

  const user = program.command('user').description("Manage the web console's users");
  user
    .command('add')
    .description('Add a console user; the password comes from standard input or a prompt')
    .argument('<name>', 'user name')
    .option('--admin', 'make the user an administrator (same as --role admin)')
    .option('--role <role>', 'admin, engineer or viewer (default viewer)')
    .option('--password-stdin', 'read the password from standard input (one line)')
    .option('--db <url>', storeHelp.db)
    .option('--data-dir <dir>', storeHelp.dataDir)
    .addHelpText('after', EXIT_HELP)
    .action(async (name, flags) => {
      const { runUserAdd } = await import('./user-command.js');
      process.exitCode = await runUserAdd(name, flags, {
        stdin: process.stdin,
        stdout: process.stdout,
        stderr: process.stderr,
      });
    });
  user
    .command('passwd')
    .description("Set a console user's password (a forgotten one); their sessions end")
    .argument('<name>', 'user name')
    .option('--password-stdin', 'read the password from standard input (one line)')
    .option('--db <url>', storeHelp.db)
    .option('--data-dir <dir>', storeHelp.dataDir)
    .addHelpText('after', EXIT_HELP)
    .action(async (name, flags) => {
      const { runUserPasswd } = await import('./user-command.js');
      process.exitCode = await runUserPasswd(name, flags, {
        stdin: process.stdin,
        stdout: process.stdout,
        stderr: process.stderr,
      });
    });
  user
    .command('reset-factors')
    .description(
      "Remove a person's security keys and authenticator app (locked out by a lost key); their sessions end",
    )
    .argument('<name>', 'user name')
    .option('--db <url>', storeHelp.db)
    .option('--data-dir <dir>', storeHelp.dataDir)
    .addHelpText('after', EXIT_HELP)
    .action(async (name, flags) => {
      const { runUserResetFactors } = await import('./user-command.js');
      process.exitCode = await runUserResetFactors(name, flags, {
        stdout: process.stdout,
        stderr: process.stderr,
      });
    });
  user
    .command('list')
    .description('List the console users')
    .option('--db <url>', storeHelp.db)
    .option('--data-dir <dir>', storeHelp.dataDir)
    .action(async (flags) => {
      const { runUserList } = await import('./user-command.js');
      process.exitCode = await runUserList(flags, { stdout: process.stdout, stderr: process.stderr });
    });

  program
    .command('demo')
    .description(
      'Run the hub on a throw-away data folder with the sample plant loaded; prints the URL and a login',
    )
    .option('--port <n>', 'port to listen on (0: any free port)', portNumber, 8440)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .action(async (flags) => {
      const { runDemo } = await import('./demo-command.js');
      process.exitCode = await runDemo(flags, { stdout: process.stdout, stderr: process.stderr });
    });

  registerAccessCommands(program);
  registerAuditCommands(program);

  return program;
}

/**
 * A reader that stops reading (`lineguard analyze --json | head`) ends the command quietly, as
 * SIGPIPE ends a C tool: Node ignores SIGPIPE, so the failed write would otherwise surface as an
 * unhandled error with a stack trace. Nothing half-written stays: output files are committed
 * before the summary is printed, and events streamed to standard output (--events -) leave no
 * file behind.
 */
function endQuietlyOnClosedReader(stream: NodeJS.WriteStream): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(process.exitCode ?? EXIT.ok);
  });
}

export async function main(argv: string[]): Promise<void> {
  endQuietlyOnClosedReader(process.stdout);
  endQuietlyOnClosedReader(process.stderr);
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    const err = e as { code?: string; exitCode?: number };
    if (typeof err.code === 'string' && err.code.startsWith('commander.')) {
      // Help and version exit 0; everything else commander rejects is a usage error.
      process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
      return;
    }
    const failure = hubFailure(e);
    if (failure) {
      process.stderr.write(`lineguard: ${failure.message}\n`);
      process.exitCode = failure.exit;
      return;
    }
    if (e instanceof UsageError) {
      process.stderr.write(`lineguard: ${e.message}\n`);
      process.exitCode = EXIT.usage;
      return;
    }
    process.stderr.write(`lineguard: internal error: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = EXIT.internal;
  }
}

await main(process.argv);
