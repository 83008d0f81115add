/**
 * Session recordings: for Modbus and S7 every operation with its decision and result, for
 * TCP relays the byte streams with timestamps. Rows are queued and committed in batches, in
 * queue order, by a worker thread with its own database connection (record-worker.ts), so
 * neither building nor committing a batch stalls the proxies; an in-memory database, which a
 * second connection cannot see, is written in place instead.
 */
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { olderThan } from '../db/keyset.js';
import type { AccessDb, SessionChunkTable, SessionTable } from '../db/schema.js';
import { AccessError } from '../errors.js';
import { batchWriter, OP_FIELDS, type RecordBatch, type RecordItem } from './record-batch.js';
import {
  type RecordedRow,
  type RecordingPage,
  type RecordingTotals,
  recordingPage,
  recordingRows,
  recordingTotals,
} from './recordings.js';

export interface RecordedSession {
  id: string;
  protocol: string;
  user: string;
  device?: string;
  asset: string;
  source: string;
  startedAt: number;
  endedAt?: number;
  endReason?: string;
}

/**
 * What the next batch will hold (see RecordBatch): operations as numbers with their strings by
 * index, and the other rows as they come.
 */
class BatchQueue {
  private strings: string[] = [];
  private index = new Map<string, number>();
  private nums = new Float64Array(256 * OP_FIELDS);
  private end = 0;
  private items: RecordItem[] = [];

  /** Operations and rows queued. */
  get count(): number {
    return this.end / OP_FIELDS + this.items.length;
  }

  item(it: RecordItem): void {
    this.items.push(it);
  }

  op(
    session: string,
    seq: number,
    ts: number,
    action: string,
    code: string,
    target: string,
    allowed: boolean,
    reasons: string,
    result: string,
  ): void {
    if (this.end === this.nums.length) {
      const grown = new Float64Array(this.nums.length * 2);
      grown.set(this.nums);
      this.nums = grown;
    }
    const n = this.nums;
    const e = this.end;
    n[e] = this.id(session);
    n[e + 1] = seq;
    n[e + 2] = ts;
    n[e + 3] = this.id(action);
    n[e + 4] = this.id(code);
    n[e + 5] = this.id(target);
    n[e + 6] = allowed ? 1 : 0;
    n[e + 7] = this.id(reasons);
    n[e + 8] = this.id(result);
    this.end = e + OP_FIELDS;
  }

  /** Everything queued as one batch (the operations copied out); the queue starts over, keeping its array. */
  take(): RecordBatch {
    const out: RecordBatch = { strings: this.strings, ops: this.nums.slice(0, this.end), items: this.items };
    this.strings = [];
    this.index = new Map();
    this.end = 0;
    this.items = [];
    return out;
  }

  private id(s: string): number {
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(s);
      this.index.set(s, i);
    }
    return i;
  }
}

export class Recorder {
  private readonly queue = new BatchQueue();
  private timer: NodeJS.Timeout | undefined;
  private failures = 0;
  private readonly sink: (b: RecordBatch) => Promise<void>;
  private readonly stop: () => Promise<void>;
  private last: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Kysely<AccessDb>,
    sqlite: Database.Database,
    dbPath: string,
    private readonly flushMs = 50,
    private readonly maxQueue = 2000,
  ) {
    if (dbPath === ':memory:' || dbPath === '') {
      const write = batchWriter(sqlite);
      // Holding Kysely's one connection: no Kysely transaction is open while this one runs.
      this.sink = (b) => this.db.connection().execute(async () => write(b));
      this.stop = async () => {};
    } else {
      const worker = recordWorker(dbPath);
      const waiting = new Map<number, (ok: boolean) => void>();
      let next = 0;
      worker.on('message', (m: { id: number; ok: boolean }) => {
        waiting.get(m.id)?.(m.ok);
        waiting.delete(m.id);
      });
      worker.on('error', () => {
        for (const w of waiting.values()) w(false);
        waiting.clear();
      });
      const send = (msg: object, transfer: ArrayBuffer[] = []): Promise<boolean> =>
        new Promise((resolve) => {
          const id = ++next;
          waiting.set(id, resolve);
          worker.postMessage({ id, ...msg }, transfer);
        });
      this.sink = async (batch) => {
        // The operations' array is handed over, not copied.
        if (!(await send({ batch }, [batch.ops.buffer]))) throw new Error('recording batch not written');
      };
      this.stop = async () => {
        await send({ close: true });
        await worker.terminate();
      };
    }
  }

  start(row: SessionTable): void {
    this.push({ k: 'start', row });
  }
  /** One operation: the fields of a `session_ops` row, passed one by one (no row object per operation). */
  op(
    session: string,
    seq: number,
    ts: number,
    action: string,
    code: string,
    target: string,
    allowed: boolean,
    reasons: string,
    result: string,
  ): void {
    this.queue.op(session, seq, ts, action, code, target, allowed, reasons, result);
    this.due();
  }
  chunk(row: SessionChunkTable): void {
    this.push({ k: 'chunk', row });
  }
  end(id: string, at: number, reason: string): void {
    this.push({ k: 'end', id, at, reason });
  }

  /** Batches that could not be written (disk full, database gone): surfaced, never thrown at the proxy. */
  get failedBatches(): number {
    return this.failures;
  }

  private push(item: RecordItem): void {
    this.queue.item(item);
    this.due();
  }

  private due(): void {
    if (this.queue.count >= this.maxQueue) void this.flush();
    else if (this.timer === undefined) {
      this.timer = setTimeout(() => void this.flush(), this.flushMs);
      this.timer.unref();
    }
  }

  /** Commit everything queued so far; resolves once it is on disk. */
  flush(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.queue.count > 0) {
      const batch = this.queue.take();
      // Batches go out in order; each waits for the one before, so a reader after flush sees all.
      this.last = this.last.then(() =>
        this.sink(batch).catch(() => {
          this.failures++;
        }),
      );
    }
    return this.last;
  }

  async close(): Promise<void> {
    await this.flush();
    await this.stop();
  }

  /** Recorded sessions, newest first; `before` (a session id) pages back. */
  async sessions(
    opts: { limit?: number; asset?: string; user?: string; before?: string } = {},
  ): Promise<RecordedSession[]> {
    await this.flush();
    let q = this.db
      .selectFrom('sessions')
      .selectAll()
      .orderBy('started_at', 'desc')
      .orderBy('id', 'desc')
      .limit(opts.limit ?? 100);
    if (opts.before !== undefined) {
      const anchor = await this.db
        .selectFrom('sessions')
        .select('started_at')
        .where('id', '=', opts.before)
        .executeTakeFirst();
      if (anchor === undefined)
        throw new AccessError('ACCESS_NOT_FOUND', `before: no recording ${opts.before}`);
      q = q.where(olderThan('started_at', { time: anchor.started_at, id: opts.before }));
    }
    if (opts.asset !== undefined) q = q.where('asset_id', '=', opts.asset);
    if (opts.user !== undefined) q = q.where('user_id', '=', opts.user);
    return (await q.execute()).map(recordedSession);
  }

  /** One recorded session, or undefined. */
  async session(id: string): Promise<RecordedSession | undefined> {
    await this.flush();
    const r = await this.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
    return r && recordedSession(r);
  }

  /** Up to `limit` rows of a recording after sequence number `after` (recordings.ts). */
  async page(session: string, after = 0, limit = 1000): Promise<RecordingPage> {
    await this.flush();
    return recordingPage(this.db, session, after, limit);
  }

  /** A recording's operations, chunks and bytes each way, counted. */
  async totals(session: string): Promise<RecordingTotals> {
    await this.flush();
    return recordingTotals(this.db, session);
  }

  /** Every row of a recording, chunk bytes included, in order and in pages (an export). */
  async *rows(session: string, pageSize?: number): AsyncGenerator<RecordedRow[]> {
    await this.flush();
    yield* recordingRows(this.db, session, pageSize);
  }
}

/** The worker; from TypeScript sources (tests, benchmarks) tsx is registered in it first. */
function recordWorker(dbPath: string): Worker {
  const here = import.meta.url;
  const w = here.endsWith('.ts')
    ? new Worker(
        `import('tsx/esm/api').then((t) => { t.register(); return import(${JSON.stringify(new URL('./record-worker.ts', here).href)}); });`,
        { eval: true, workerData: { dbPath } },
      )
    : new Worker(new URL('./record-worker.js', here), { workerData: { dbPath } });
  w.unref();
  return w;
}

function recordedSession(r: SessionTable): RecordedSession {
  return {
    id: r.id,
    protocol: r.protocol,
    user: r.user_id,
    ...(r.device_id !== null ? { device: r.device_id } : {}),
    asset: r.asset_id,
    source: r.source,
    startedAt: r.started_at,
    ...(r.ended_at !== null ? { endedAt: r.ended_at } : {}),
    ...(r.end_reason !== null ? { endReason: r.end_reason } : {}),
  };
}
