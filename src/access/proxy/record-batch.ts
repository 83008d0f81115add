/**
 * One batch of session recording: operations as JSON lines (made one at a time on the proxy's
 * path, where a short string is cheaper than a copyable object) and the other rows as they
 * come. `batchWriter` commits a batch in one transaction with statements prepared once; it runs
 * in the recording worker (record-worker.ts) or, for an in-memory database, in place.
 */
import type Database from 'better-sqlite3';
import type { SessionChunkTable, SessionTable } from '../db/schema.js';

export type RecordItem =
  | { k: 'start'; row: SessionTable }
  | { k: 'chunk'; row: SessionChunkTable }
  | { k: 'end'; id: string; at: number; reason: string };

/** session, seq, ts, action, code, target, decision, reasons, result */
export type OpTuple = [string, number, number, string, string, string, 'allow' | 'deny', string, string];

export interface RecordBatch {
  /** Newline-separated JSON `OpTuple`s. */
  ops: string;
  items: RecordItem[];
}

export function batchWriter(sqlite: Database.Database): (b: RecordBatch) => void {
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
  return sqlite.transaction((b: RecordBatch) => {
    for (const it of b.items) {
      if (it.k === 'start') {
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
      } else if (it.k === 'chunk') {
        const r = it.row;
        chunk.run(r.session_id, r.seq, r.ts, r.dir, Buffer.from(r.data));
      } else end.run(it.at, it.reason, it.id);
    }
    if (b.ops.length > 0) for (const line of b.ops.split('\n')) op.run(...(JSON.parse(line) as OpTuple));
  });
}
