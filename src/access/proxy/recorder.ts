/**
 * Session recordings: for Modbus and S7 every operation with its decision and result, for
 * TCP relays the byte streams with timestamps. Writes are queued and committed in batches
 * (one transaction per flush) so recording never sits on a request's path; the order of the
 * queue is the order of the commit.
 */
import type Database from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { AccessDb, SessionChunkTable, SessionOpTable, SessionTable } from '../db/schema.js';

type Item =
  | { k: 'start'; row: SessionTable }
  | { k: 'op'; row: SessionOpTable }
  | { k: 'chunk'; row: SessionChunkTable }
  | { k: 'end'; id: string; at: number; reason: string };

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

export class Recorder {
  private queue: Item[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private failures = 0;

  private readonly writeBatch: (batch: Item[]) => void;

  constructor(
    private readonly db: Kysely<AccessDb>,
    sqlite: Database.Database,
    // Small, frequent batches: each commit blocks the event loop for about a millisecond.
    private readonly flushMs = 50,
    private readonly maxQueue = 1000,
  ) {
    // Prepared once: a batch of thousands of rows commits in a few milliseconds.
    const start = sqlite.prepare(
      'insert into sessions (id, protocol, user_id, device_id, asset_id, source, started_at, ended_at, end_reason) values (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const op = sqlite.prepare(
      'insert into session_ops (session_id, seq, ts, action, code, target, decision, reasons, result) values (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const chunk = sqlite.prepare(
      'insert into session_chunks (session_id, seq, ts, dir, data) values (?, ?, ?, ?, ?)',
    );
    const end = sqlite.prepare('update sessions set ended_at = ?, end_reason = ? where id = ?');
    this.writeBatch = sqlite.transaction((batch: Item[]) => {
      for (const it of batch) {
        if (it.k === 'op') {
          const r = it.row;
          op.run(r.session_id, r.seq, r.ts, r.action, r.code, r.target, r.decision, r.reasons, r.result);
        } else if (it.k === 'chunk') {
          const r = it.row;
          chunk.run(r.session_id, r.seq, r.ts, r.dir, r.data);
        } else if (it.k === 'start') {
          const r = it.row;
          start.run(
            r.id,
            r.protocol,
            r.user_id,
            r.device_id,
            r.asset_id,
            r.source,
            r.started_at,
            r.ended_at,
            r.end_reason,
          );
        } else end.run(it.at, it.reason, it.id);
      }
    });
  }

  start(row: SessionTable): void {
    this.push({ k: 'start', row });
  }
  op(row: SessionOpTable): void {
    this.push({ k: 'op', row });
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

  private push(item: Item): void {
    this.queue.push(item);
    if (this.queue.length >= this.maxQueue) void this.flush();
    else if (this.timer === undefined) {
      this.timer = setTimeout(() => void this.flush(), this.flushMs);
      this.timer.unref();
    }
  }

  /** Commit everything queued so far; resolves once it is on disk. */
  flush(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queue;
    this.queue = [];
    this.writing = this.writing.then(() => (batch.length > 0 ? this.write(batch) : undefined));
    return this.writing;
  }

  private async write(batch: Item[]): Promise<void> {
    try {
      // Holding Kysely's one connection: no Kysely transaction is open while this one runs.
      await this.db.connection().execute(async () => this.writeBatch(batch));
    } catch {
      this.failures++;
    }
  }

  async sessions(opts: { limit?: number; asset?: string; user?: string } = {}): Promise<RecordedSession[]> {
    await this.flush();
    let q = this.db
      .selectFrom('sessions')
      .selectAll()
      .orderBy('started_at', 'desc')
      .limit(opts.limit ?? 100);
    if (opts.asset !== undefined) q = q.where('asset_id', '=', opts.asset);
    if (opts.user !== undefined) q = q.where('user_id', '=', opts.user);
    return (await q.execute()).map((r) => ({
      id: r.id,
      protocol: r.protocol,
      user: r.user_id,
      ...(r.device_id !== null ? { device: r.device_id } : {}),
      asset: r.asset_id,
      source: r.source,
      startedAt: r.started_at,
      ...(r.ended_at !== null ? { endedAt: r.ended_at } : {}),
      ...(r.end_reason !== null ? { endReason: r.end_reason } : {}),
    }));
  }

  async operations(session: string, limit = 10_000): Promise<SessionOpTable[]> {
    await this.flush();
    return this.db
      .selectFrom('session_ops')
      .selectAll()
      .where('session_id', '=', session)
      .orderBy('seq')
      .limit(limit)
      .execute();
  }

  async chunks(session: string, limit = 10_000): Promise<SessionChunkTable[]> {
    await this.flush();
    return this.db
      .selectFrom('session_chunks')
      .selectAll()
      .where('session_id', '=', session)
      .orderBy('seq')
      .limit(limit)
      .execute();
  }
}
