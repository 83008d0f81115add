/**
 * Parallel analysis of capture files. The frames are split into lanes by host pair (shard.ts):
 * every thread reads the whole file — from the page cache after the first, which costs less
 * than copying frames between threads — and analyses only its own lane with an engine of its
 * own. Each flow, with its reassembly and analyzer state, lives on exactly one engine, so the
 * events are those of a single engine in another order; counters and host tables are added
 * up at the end. Lane 0 is the calling thread's; lanes 1… are worker threads (lane-worker.ts).
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import type { LineguardEvent } from '../events/types.js';
import { moduleWorker } from '../util/module-worker.js';
import { addStats, type Engine, type EngineOptions, type EngineStats } from './engine.js';
import { CaptureError } from './errors.js';
import type { HostsShare } from './hosts.js';
import type { Input, InputSink } from './read-inputs.js';
import { laneOf } from './shard.js';
import type { InputReport } from './summary.js';

/** What a lane worker is started with. */
export interface LaneJob {
  inputs: string[];
  source: string | undefined;
  /** The engine's source before the first input. */
  initialSource: string;
  /** Analyzers by registry key (registry.ts). */
  analyzers: string[];
  engine: Omit<Partial<EngineOptions>, 'source' | 'analyzers'>;
  lane: number;
  lanes: number;
}

export type LaneMessage =
  | { kind: 'events'; events: LineguardEvent[] }
  | { kind: 'done'; stats: EngineStats; hosts: HostsShare; reports: InputReport[] };

type LaneShare = Omit<Extract<LaneMessage, { kind: 'done' }>, 'kind'>;

/** The frames of one lane, numbered as in the whole input, to an engine. */
export class LaneFilter implements InputSink {
  private frame = 0;

  constructor(
    private readonly engine: Engine,
    private readonly lane: number,
    private readonly lanes: number,
  ) {}

  packet(linktype: number, tsUs: number, buf: Buffer, off: number, caplen: number, origLen: number): void {
    const frame = ++this.frame;
    if (laneOf(linktype, buf, off, caplen, this.lanes) === this.lane)
      this.engine.packet(linktype, tsUs, buf, off, caplen, origLen, 0, frame);
  }

  beginInput(source: string): void {
    this.frame = 0;
    this.engine.beginInput(source);
  }
}

/**
 * Inputs every thread can read for itself: regular files, not compressed (each thread would
 * decompress the whole file). Undefined when one is not.
 */
export function rereadablePaths(inputs: readonly Input[]): string[] | undefined {
  const paths: string[] = [];
  for (const i of inputs) {
    if (typeof i !== 'string' || i === '-') return undefined;
    try {
      if (!statSync(i).isFile()) return undefined;
      const fd = openSync(i, 'r');
      const magic = Buffer.alloc(2);
      try {
        readSync(fd, magic, 0, 2, 0);
      } finally {
        closeSync(fd);
      }
      if (magic[0] === 0x1f && magic[1] === 0x8b) return undefined;
    } catch {
      return undefined; // the single-threaded read reports it
    }
    paths.push(i);
  }
  return paths;
}

interface Lane {
  worker: Worker;
  done: Promise<LaneShare>;
}

/** The worker lanes of one analysis. */
export class Lanes {
  private constructor(private readonly lanes: Lane[]) {}

  /**
   * Starts lanes 1 … `jobs.lanes - 1`. Their events reach `emit` on this thread (whenever it
   * waits for I/O).
   */
  static start(job: Omit<LaneJob, 'lane'>, emit: (e: LineguardEvent) => void): Lanes {
    const lanes: Lane[] = [];
    for (let lane = 1; lane < job.lanes; lane++) {
      const worker = moduleWorker(new URL('./lane-worker.js', import.meta.url), {
        workerData: { ...job, lane } satisfies LaneJob,
      });
      const done = new Promise<LaneShare>((resolve, reject) => {
        worker.on('message', (m: LaneMessage) => {
          if (m.kind === 'events') for (const e of m.events) emit(e);
          else resolve(m);
        });
        worker.once('error', reject);
        worker.once('exit', (code) =>
          reject(new Error(`analysis worker exited (status ${code}) before its end`)),
        );
      });
      // Awaited only at the end; a failure before then must not count as unhandled.
      done.catch(() => {});
      lanes.push({ worker, done });
    }
    return new Lanes(lanes);
  }

  /**
   * Waits for every worker and adds its counters and hosts to `into`. Every lane must have read
   * the inputs exactly as this thread did (`reports`): a file that changed in between (still
   * being written, replaced) would leave the lanes' shares out of step, so that is an error, not
   * a quietly partial result.
   */
  async finish(into: Engine, reports: readonly InputReport[], signal?: AbortSignal): Promise<void> {
    const all = Promise.all(this.lanes.map((l) => l.done));
    const shares = await (signal ? Promise.race([all, rejectOnAbort(signal)]) : all);
    const seen = (r: readonly InputReport[]) =>
      JSON.stringify(r.map((i) => [i.input, i.format, i.packets, i.bytes, i.error?.code, i.error?.offset]));
    for (const [i, s] of shares.entries())
      if (seen(s.reports) !== seen(reports))
        throw new CaptureError(
          'source',
          reports.map((r) => r.input).join(', '),
          -1,
          `the inputs changed while they were analysed (thread ${i + 2} read ${seen(s.reports)}, the first ${seen(reports)}); analyse a finished capture, or use --threads 1`,
        );
    for (const s of shares) {
      addStats(into.stats, s.stats);
      into.hosts.absorb(s.hosts);
    }
  }

  /** Stops every worker (the analysis failed). */
  async stop(): Promise<void> {
    await Promise.all(this.lanes.map((l) => l.worker.terminate()));
  }
}

/** Rejects with the signal's reason once it aborts (a wait on the lanes is cut short). */
function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}
