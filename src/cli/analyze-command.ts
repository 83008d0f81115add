/** `lineguard analyze`: captures (files, stdin, an interface) in, summary and events out. */
import { statSync } from 'node:fs';
import { availableParallelism, constants as osConstants } from 'node:os';
import { type AnalyzeOptions, analyze, type Input } from '../capture/analyze.js';
import { CaptureError } from '../capture/errors.js';
import { startLiveCapture } from '../capture/live.js';
import type { Summary } from '../capture/summary.js';
import type { LineguardEvent } from '../events/types.js';
import { buildInventory } from '../inventory/assemble.js';
import { inventoryCsv, inventoryTable } from '../inventory/export.js';
import { Observations } from '../inventory/observations.js';
import type { Inventory } from '../inventory/types.js';
import type { AnalyzerDescriptor } from '../protocols/analyzer.js';
import { analyzers } from '../protocols/registry.js';
import { writeFileAtomic } from './atomic-file.js';
import { EXIT } from './exit.js';
import { NdjsonFile, type NdjsonOutput, NdjsonStream } from './ndjson.js';
import { type ProgressView, progressView } from './progress.js';
import { renderSummary } from './render.js';

export interface AnalyzeFlags {
  json?: boolean;
  events?: string;
  interface?: string;
  filter?: string;
  count?: number;
  duration?: number;
  progress?: boolean;
  port?: string[];
  inventory?: string;
  csv?: string;
  analyzers?: boolean;
  threads?: number;
}

/** An output named `-` is standard output. */
const STDOUT = '-';

/** Below this much capture, starting a worker costs more than it saves. */
const PARALLEL_MIN_BYTES = 32 * 1024 * 1024;
const MAX_DEFAULT_THREADS = 4;

/** One thread per core (up to 4) for files big enough to gain from it; 1 for anything else. */
function defaultThreads(inputs: readonly string[]): number {
  let bytes = 0;
  for (const i of inputs) {
    if (i === '-') return 1;
    try {
      bytes += statSync(i).size;
    } catch {
      // reported when it is opened
    }
  }
  return bytes >= PARALLEL_MIN_BYTES ? Math.min(availableParallelism(), MAX_DEFAULT_THREADS) : 1;
}

/**
 * --threads, at most one per core: each thread is a whole analysis of its share, busy all the
 * time, so more threads than cores only add their memory and switching.
 */
function threadsAsked(n: number, io: CommandIO): number {
  const cores = availableParallelism();
  if (n <= cores) return n;
  io.stderr.write(`lineguard: --threads ${n}: this machine has ${cores} cores; using ${cores}\n`);
  return cores;
}

export interface CommandIO {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

export class UsageError extends Error {}

/** The analysis of files was stopped by a signal. */
class Interrupted extends Error {
  constructor(readonly signal: NodeJS.Signals) {
    super(`stopped by ${signal}`);
  }
}

/** `--port dns=53,5053` flags → the engine's port map; names must be analyzers we have. */
export function parsePortFlags(
  flags: readonly string[],
  known: readonly AnalyzerDescriptor[],
): Record<string, number[]> {
  const names = new Set(known.flatMap((a) => [a.name, `${a.name}/${a.transport}`]));
  const out: Record<string, number[]> = {};
  for (const flag of flags) {
    const m = /^([a-z0-9-]+(?:\/(?:tcp|udp))?)=(\d{1,5}(?:,\d{1,5})*)$/.exec(flag);
    if (!m) throw new UsageError(`--port ${flag}: expected analyzer=port[,port…], e.g. dns=53,5053`);
    const [, name, list] = m as unknown as [string, string, string];
    if (!names.has(name))
      throw new UsageError(
        `--port ${flag}: no analyzer named ${name} (have: ${[...new Set(known.map((a) => a.name))].join(', ')})`,
      );
    const ports = list.split(',').map(Number);
    const bad = ports.find((p) => p < 1 || p > 65535);
    if (bad !== undefined) throw new UsageError(`--port ${flag}: ${bad} is not a port (1–65535)`);
    out[name] = [...(out[name] ?? []), ...ports];
  }
  return out;
}

/** Runs the command and returns the exit code; never calls process.exit itself. */
export async function runAnalyze(inputs: string[], flags: AnalyzeFlags, io: CommandIO): Promise<number> {
  if (flags.interface && inputs.length > 0)
    throw new UsageError('give capture files or --interface, not both');
  if (!flags.interface && inputs.length === 0)
    throw new UsageError('no capture given (a file, - for standard input, or --interface)');
  if ((flags.filter || flags.count !== undefined || flags.duration !== undefined) && !flags.interface) {
    throw new UsageError('--filter, --count and --duration apply to --interface only');
  }
  if (inputs.filter((i) => i === '-').length > 1) throw new UsageError('standard input (-) can be read once');
  if ([flags.events, flags.inventory, flags.csv].filter((o) => o === STDOUT).length > 1)
    throw new UsageError('standard output (-) can take one of --events, --inventory and --csv');
  const ports = parsePortFlags(flags.port ?? [], analyzers);
  if (flags.analyzers === false && (flags.inventory || flags.csv)) {
    throw new UsageError('--inventory and --csv need the analyzers (leave out --no-analyzers)');
  }
  if (flags.interface) return analyzeAndReport(inputs, flags, io, ports, undefined);
  // Ctrl+C on files means "stop": the run ends between chunks and writes nothing. The handlers
  // go in before the events file is opened, so no signal finds it without them.
  const abort = new AbortController();
  const interrupt = (signal: NodeJS.Signals) => abort.abort(new Interrupted(signal));
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    return await analyzeAndReport(inputs, flags, io, ports, abort.signal);
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  }
}

async function analyzeAndReport(
  inputs: string[],
  flags: AnalyzeFlags,
  io: CommandIO,
  ports: Record<string, number[]>,
  signal: AbortSignal | undefined,
): Promise<number> {
  // One output may be standard output (-); the summary then goes to standard error.
  const toStdout = [flags.events, flags.inventory, flags.csv].includes(STDOUT);
  const summaryOut = toStdout ? io.stderr : io.stdout;
  let events: NdjsonOutput | null = null;
  if (flags.events) {
    try {
      events = flags.events === STDOUT ? new NdjsonStream(io.stdout) : new NdjsonFile(flags.events);
    } catch (e) {
      io.stderr.write(`lineguard: cannot write ${flags.events}: ${(e as Error).message}\n`);
      return EXIT.output;
    }
  }
  const progress: ProgressView = await progressView(flags.progress === false ? null : io.stderr);
  // --no-analyzers is decode, flows and reassembly only: no protocol analyzers, no inventory.
  const observations = flags.analyzers === false ? null : new Observations();
  const sinks = [observations, events].filter((s) => s !== null);
  const onEvent = (e: LineguardEvent) => {
    for (const s of sinks) s.emit(e);
  };
  const opts: AnalyzeOptions = {
    onProgress: (p) => progress.update(p),
    engine: { ports },
    onEvent,
    threads:
      flags.threads !== undefined
        ? threadsAsked(flags.threads, io)
        : defaultThreads(flags.interface ? [] : inputs),
  };
  if (!observations) opts.analyzers = [];

  let summary: Summary;
  let liveError: CaptureError | null = null;
  try {
    if (flags.interface) {
      let live: ReturnType<typeof startLiveCapture>;
      try {
        live = startLiveCapture({ iface: flags.interface, filter: flags.filter, count: flags.count });
      } catch (e) {
        if (!(e instanceof CaptureError)) throw e;
        events?.abandon();
        io.stderr.write(`lineguard: ${e.message}\n`);
        return EXIT.input;
      }
      const stop = () => live.stop();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const timer = flags.duration !== undefined ? setTimeout(stop, flags.duration * 1000) : null;
      try {
        summary = await analyze([live.source], { ...opts, source: `interface:${flags.interface}` });
        await live.exited.catch((e: unknown) => {
          liveError =
            e instanceof CaptureError ? e : new CaptureError('source', flags.interface!, -1, String(e));
        });
      } finally {
        if (timer) clearTimeout(timer);
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        live.stop();
      }
    } else {
      summary = await analyze(inputs as Input[], signal ? { ...opts, signal } : opts);
    }
  } catch (e) {
    progress.stop();
    events?.abandon();
    if (e instanceof Interrupted) {
      const what = events?.streamed
        ? 'events so far on standard output, nothing else written'
        : 'nothing written';
      io.stderr.write(`lineguard: stopped by ${e.signal}; ${what}\n`);
      return 128 + osConstants.signals[e.signal];
    }
    // An input that could not be analysed as a whole (changed while its threads read it).
    if (e instanceof CaptureError) {
      io.stderr.write(`lineguard: ${e.message}\n`);
      return EXIT.input;
    }
    throw e;
  }
  progress.stop();

  if (liveError) {
    // tcpdump's own failure explains an empty capture better than "empty input" does.
    summary.inputs = summary.inputs.map((i) => ({
      ...i,
      error: { code: liveError!.code, offset: -1, message: liveError!.message },
    }));
  }
  if (events) {
    try {
      events.commit();
    } catch (e) {
      events.abandon();
      io.stderr.write(`lineguard: cannot write ${flags.events}: ${(e as Error).message}\n`);
      return EXIT.output;
    }
  }
  const inventory = observations ? await buildInventory(observations) : null;
  for (const [path, text] of [
    [flags.inventory, () => `${JSON.stringify(inventory, null, 2)}\n`],
    [flags.csv, () => inventoryCsv(inventory?.assets ?? [])],
  ] as const) {
    if (!path || !inventory) continue;
    if (path === STDOUT) {
      io.stdout.write(text());
      continue;
    }
    try {
      writeFileAtomic(path, text());
    } catch (e) {
      io.stderr.write(`lineguard: cannot write ${path}: ${(e as Error).message}\n`);
      return EXIT.output;
    }
  }
  const failed = summary.inputs.filter((i) => i.error);
  // Nothing at all was read from any input: an input error; otherwise a (partial) result.
  const anyRead = summary.inputs.some((i) => i.packets > 0 || (!i.error && i.format));
  if (flags.json) writeJsonSummary(summaryOut, summary, inventory);
  else if (anyRead) {
    summaryOut.write(`${renderSummary(summary)}\n${inventory ? `\n${renderInventory(inventory)}\n` : ''}`);
  }
  for (const i of failed) io.stderr.write(`lineguard: ${i.error!.message}\n`);
  if (failed.length === 0) return EXIT.ok;
  return anyRead ? EXIT.partial : EXIT.input;
}

/**
 * The summary as JSON with the assets appended one line each: thousands of assets as one
 * pretty-printed string cost more memory than the whole analysis.
 */
function writeJsonSummary(out: NodeJS.WriteStream, summary: Summary, inventory: Inventory | null): void {
  const head = JSON.stringify(summary, null, 2);
  if (!inventory) {
    out.write(`${head}\n`);
    return;
  }
  out.write(`${head.slice(0, head.lastIndexOf('}')).trimEnd()},\n  "assets": [`);
  inventory.assets.forEach((a, i) => {
    out.write(`${i === 0 ? '' : ','}\n    ${JSON.stringify(a)}`);
  });
  out.write(`${inventory.assets.length > 0 ? '\n  ' : ''}]\n}\n`);
}

function renderInventory(inv: Inventory): string {
  return `Inventory: ${inv.assets.length} assets (* = serves the protocol)\n${inventoryTable(inv.assets)}`;
}
