#!/usr/bin/env node
/** The `lineguard` command. */
import { Command, InvalidArgumentError } from '@commander-js/extra-typings';
import { runAnalyze, UsageError } from './analyze-command.js';
import { EXIT, EXIT_HELP } from './exit.js';

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
    .option('--events <file>', 'write every event as JSON lines to <file>')
    .option('--inventory <file>', 'write the asset inventory as JSON to <file>')
    .option('--csv <file>', 'write the asset inventory as CSV to <file>')
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
    .option('--no-progress', 'no progress bar even on a terminal')
    .addHelpText('after', EXIT_HELP)
    .action(async (captures, flags) => {
      process.exitCode = await runAnalyze(captures, flags, {
        stdout: process.stdout,
        stderr: process.stderr,
      });
    });

  program
    .command('demo')
    .description('Write the sample plant capture (our simulator) and analyse it')
    .option('--out <file>', 'keep the sample capture at <file>')
    .option('--json', 'print the summary as JSON')
    .action(async (flags) => {
      const { runDemo } = await import('./demo-command.js');
      process.exitCode = await runDemo(flags, { stdout: process.stdout, stderr: process.stderr });
    });

  return program;
}

export async function main(argv: string[]): Promise<void> {
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
