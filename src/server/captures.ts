/**
 * Capture uploads as jobs: the uploaded bytes stream through the analyzer while they arrive,
 * and the events stream into the store. A capture that is cut off, corrupt, not a capture or
 * over the size limit fails its job, and the store keeps nothing of it.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { analyze } from '../capture/analyze.js';
import { openStream } from '../capture/source.js';
import type { Store } from '../store/types.js';
import { EventQueue } from './event-queue.js';

export interface CaptureJobView {
  id: string;
  name: string;
  state: 'running' | 'done' | 'failed';
  /** Capture bytes received so far. */
  bytes: number;
  packets: number;
  events: number;
  error?: string;
  newAssets?: string[];
  /** Assets in the store after this capture was ingested. */
  assets?: number;
}

export interface UploadFile {
  /** The file's bytes as they arrive; emits `limit` when the size limit cuts it short. */
  stream: Readable;
  /** Set once the size limit has cut the file short. */
  readonly truncated: boolean;
}

export interface RunningJob {
  view: CaptureJobView;
  /** Resolves when the file has been read to its end, or the size limit was reached. */
  received: Promise<'complete' | 'over-limit'>;
  /** Resolves when the job is done or failed (never rejects). */
  finished: Promise<void>;
}

/**
 * The first bytes of a capture (its header and first packets) identify it. Analysis starts
 * once they are in, so this stays small.
 */
const HEAD_BYTES = 64 * 1024;

async function takeHead(bytes: AsyncIterator<Buffer>, want: number): Promise<Buffer[]> {
  const head: Buffer[] = [];
  for (let n = 0; n < want; ) {
    const next = await bytes.next();
    if (next.done) break;
    head.push(next.value);
    n += next.value.length;
  }
  return head;
}

/**
 * The evidence source of an upload: its name and a digest of its first 64 KiB. The same file
 * uploaded again is the same source, whose rows the store replaces instead of adding twice.
 */
export function captureSource(name: string, head: readonly Buffer[]): string {
  const digest = createHash('sha256');
  let left = HEAD_BYTES;
  for (const b of head) {
    if (left <= 0) break;
    digest.update(b.subarray(0, left));
    left -= b.length;
  }
  return `${name}#${digest.digest('hex').slice(0, 12)}`;
}

export class CaptureJobs {
  private readonly jobs = new Map<string, CaptureJobView>();
  /** Running jobs: how each ends, and how to cut it short. */
  private readonly inFlight = new Map<Promise<void>, (why: string) => void>();

  constructor(
    private readonly store: Store,
    readonly maxBytes: number,
    /** Finished jobs remembered for the console. */
    private readonly keep = 100,
  ) {}

  running(): CaptureJobView | undefined {
    for (const j of this.jobs.values()) if (j.state === 'running') return j;
    return undefined;
  }

  /**
   * Resolves once every running job has finished. Uploads still arriving after `graceMs` are
   * cut off: they fail and leave nothing, so a stalled client cannot hold up a shutdown.
   */
  async settle(graceMs: number): Promise<void> {
    const all = Promise.all(this.inFlight.keys());
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), graceMs);
    });
    const first = await Promise.race([all, late]);
    clearTimeout(timer);
    if (first !== 'late') return;
    for (const abort of this.inFlight.values()) abort('the hub stopped before the upload was complete');
    await Promise.all(this.inFlight.keys());
  }

  get(id: string): CaptureJobView | undefined {
    return this.jobs.get(id);
  }

  /** Newest first. */
  list(): CaptureJobView[] {
    return [...this.jobs.values()].reverse();
  }

  start(name: string, file: UploadFile): RunningJob {
    const view: CaptureJobView = {
      id: randomUUID(),
      name,
      state: 'running',
      bytes: 0,
      packets: 0,
      events: 0,
    };
    this.remember(view);
    const overLimit = `capture is larger than the upload limit of ${this.maxBytes} bytes`;
    const queue = new EventQueue();
    let stopped: Error | undefined;
    const stop = (message: string) => {
      stopped ??= new Error(message);
    };

    const received = new Promise<'complete' | 'over-limit'>((resolve) => {
      file.stream.once('limit', () => {
        stop(overLimit);
        resolve('over-limit');
      });
      file.stream.once('end', () => resolve(file.truncated ? 'over-limit' : 'complete'));
      file.stream.once('close', () => resolve(file.truncated ? 'over-limit' : 'complete'));
      file.stream.once('error', (e) => {
        stop(`upload broke off: ${e.message}`);
        resolve('complete');
      });
    });

    // Bytes are pulled only while the events queue has room: the database paces the upload.
    // Whatever the analysis does not read (it stopped early) is drained, so the request ends.
    async function* paced(): AsyncGenerator<Buffer> {
      const it = file.stream.iterator({ destroyOnReturn: false }) as AsyncIterator<Buffer>;
      try {
        for (;;) {
          const next = await it.next();
          if (next.done) break;
          view.bytes += next.value.length;
          if (stopped) throw stopped;
          yield next.value;
          await queue.room();
        }
        if (file.truncated) stop(overLimit);
        if (stopped) throw stopped;
      } finally {
        file.stream.resume();
      }
    }

    const analysis = (async (): Promise<void> => {
      const bytes = paced();
      const head = await takeHead(bytes, HEAD_BYTES);
      async function* whole(): AsyncGenerator<Buffer> {
        try {
          yield* head;
          yield* bytes;
        } finally {
          // The reader may stop inside the head (not a capture): release the upload too.
          await bytes.return(undefined);
        }
      }
      const src = await openStream(name, whole());
      const summary = await analyze([src], {
        source: captureSource(name, head),
        onEvent: (e) => {
          view.events++;
          queue.push(e);
        },
        onProgress: (p) => {
          view.packets = p.packets;
        },
      });
      view.packets = summary.packets;
      const err = stopped ?? summary.inputs[0]?.error;
      if (err) throw stopped ?? new Error(err.message);
    })();

    let analysisError: Error | undefined;
    const analysisSettled = analysis.then(
      () => queue.end(),
      (e: unknown) => {
        analysisError = e instanceof Error ? e : new Error(String(e));
        queue.end(analysisError);
      },
    );

    const finished = (async () => {
      try {
        // A failed analysis ends the queue with its error: the ingest throws and keeps nothing.
        // One transaction for the whole capture: a failure at its last byte still leaves nothing.
        // The store folds events in memory per distinct row, so this is bounded by the plant's
        // size, not the capture's.
        const report = await this.store.ingest(queue, { batchSize: Number.MAX_SAFE_INTEGER });
        await analysisSettled;
        if (analysisError) throw analysisError;
        view.state = 'done';
        view.newAssets = report.newAssets;
        view.assets = report.assets;
      } catch (e) {
        // The store failed (or the analysis did): stop reading and let the analysis wind down.
        stop((e as Error).message);
        queue.end(stopped);
        await analysisSettled;
        view.state = 'failed';
        view.error = (analysisError ?? (e as Error)).message;
      }
    })();

    this.inFlight.set(finished, (why) => {
      stop(why);
      file.stream.destroy(new Error(why));
    });
    void finished.then(() => this.inFlight.delete(finished));
    return { view, received, finished };
  }

  private remember(view: CaptureJobView): void {
    this.jobs.set(view.id, view);
    for (const [id, j] of this.jobs) {
      if (this.jobs.size <= this.keep) break;
      if (j.state !== 'running') this.jobs.delete(id);
    }
  }
}
