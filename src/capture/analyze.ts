/**
 * Runs captures through the engine: the one entry point the CLI, the server and tests share.
 */
import { Readable } from 'node:stream';
import type { LineguardEvent } from '../events/types.js';
import type { AnalyzerDescriptor } from '../protocols/analyzer.js';
import { analyzers as registry, registryKey } from '../protocols/registry.js';
import { Engine, type EngineOptions } from './engine.js';
import { LaneFilter, Lanes, rereadablePaths } from './parallel.js';
import { type Input, readInputs } from './read-inputs.js';
import { openStream } from './source.js';
import { buildSummary, type Summary } from './summary.js';

const registered = new Map(registry.map((a) => [registryKey(a), a]));

export interface Progress {
  input: string;
  /** Bytes taken from the input so far (compressed bytes for gzip) and its size (-1 unknown). */
  consumed: number;
  size: number;
  packets: number;
}

export interface AnalyzeOptions {
  /** Evidence source id; defaults to the input name. */
  source?: string;
  analyzers?: readonly AnalyzerDescriptor[];
  onEvent?: (event: LineguardEvent) => void;
  onProgress?: (p: Progress) => void;
  engine?: Omit<Partial<EngineOptions>, 'source' | 'analyzers'>;
  /**
   * Threads to analyse with (default 1): beyond the first, each is a worker with an engine of
   * its own for its share of the host pairs (parallel.ts). Only with the registry's analyzers.
   */
  threads?: number;
  /**
   * Stops the analysis between chunks of input (and ends its worker threads): `analyze` then
   * rejects with the signal's reason, and nothing is summarised.
   */
  signal?: AbortSignal;
}

export type { Input };

export async function analyze(inputs: readonly Input[], opts: AnalyzeOptions = {}): Promise<Summary> {
  const started = performance.now();
  const names = inputs.map((i) => (typeof i === 'string' ? i : i.name));
  const engine = new Engine({
    ...opts.engine,
    source: opts.source ?? names[0] ?? 'none',
    analyzers: opts.analyzers ?? registry,
  });
  if (opts.onEvent) {
    const fn = opts.onEvent;
    engine.onEvent({ emit: fn });
  }
  const lanes = startLanes(inputs, engine, opts);
  const laneZero = lanes ? new LaneFilter(engine, 0, lanes.count) : engine;
  try {
    const reports = await readInputs(inputs, laneZero, opts);
    engine.finish();
    await lanes?.lanes.finish(engine, reports, opts.signal);
    return buildSummary(engine, reports, (performance.now() - started) / 1000, lanes?.count ?? 1);
  } catch (e) {
    await lanes?.lanes.stop();
    throw e;
  }
}

/**
 * Worker lanes for `opts.threads` > 1, when every input can be read again by another thread
 * and every analyzer is the registry's (a worker builds its own from the registry).
 */
function startLanes(
  inputs: readonly Input[],
  engine: Engine,
  opts: AnalyzeOptions,
): { lanes: Lanes; count: number } | undefined {
  const count = Math.floor(opts.threads ?? 1);
  if (!(count > 1)) return undefined;
  const keys = registryKeys(opts.analyzers ?? registry);
  const paths = keys && rereadablePaths(inputs);
  if (!keys || !paths) return undefined;
  const job = {
    inputs: paths,
    source: opts.source,
    initialSource: engine.source,
    analyzers: keys,
    engine: opts.engine ?? {},
    lanes: count,
  };
  return { lanes: Lanes.start(job, (e) => engine.forward(e)), count };
}

/** The analyzers' registry keys, or undefined when one is not the registry's (a lane worker could not build it). */
function registryKeys(list: readonly AnalyzerDescriptor[]): string[] | undefined {
  const keys: string[] = [];
  for (const a of list) {
    const k = registryKey(a);
    if (registered.get(k) !== a) return undefined;
    keys.push(k);
  }
  return keys;
}

/** A capture held in memory, with every event it produced (tests, uploads). */
export async function analyzeBytes(
  bytes: Buffer,
  opts: Omit<AnalyzeOptions, 'onEvent'> = {},
): Promise<{ events: LineguardEvent[]; summary: Summary }> {
  const events: LineguardEvent[] = [];
  const name = opts.source ?? 'memory';
  const src = await openStream(name, Readable.from([bytes]), bytes.length);
  const summary = await analyze([src], { ...opts, source: name, onEvent: (e) => events.push(e) });
  return { events, summary };
}
