/**
 * One batch of session recording: operations as numbers in one array (their strings as
 * indices into the batch's table of distinct strings: a session's id, actions, targets and
 * results repeat, so queuing an operation on the proxy's path costs a few map look-ups and
 * no string or object is made for it), and the other rows as they come. `batchWriter`
 * commits a batch in one transaction with statements prepared once (begun IMMEDIATE, as every
 * write on the gateway database: see db/connection.ts); it runs in the recording worker
 * (record-worker.ts) or, for an in-memory database, in place.
 */
import type Database from 'better-sqlite3';
import type { SessionChunkTable, SessionTable } from '../db/schema.js';

export type RecordItem =
  | { k: 'start'; row: SessionTable }
  | { k: 'chunk'; row: SessionChunkTable }
  | { k: 'end'; id: string; at: number; reason: string };

/**
 * Numbers per operation in `RecordBatch.ops`: session, seq, ts, action, code, target,
 * allowed (1 or 0), reasons, result — the strings as indices into `RecordBatch.strings`.
 */
export const OP_FIELDS = 9;

const OPS_PER_INSERT = 64;

export interface RecordBatch {
  strings: string[];
  ops: Float64Array<ArrayBuffer>;
  items: RecordItem[];
}

export function batchWriter(sqlite: Database.Database): (b: RecordBatch) => void {
  const start = sqlite.prepare(
    'insert into sessions (id, protocol, user_id, device_id, asset_id, source, started_at, ended_at, end_reason) values (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const opSql =
    'insert into session_ops (session_id, seq, ts, action, code, target, decision, reasons, result) values ';
  const row = '(?, ?, ?, ?, ?, ?, ?, ?, ?)';
  const op = sqlite.prepare(opSql + row);
  // Operations go in OPS_PER_INSERT rows a statement: most of an insert's cost is per statement.
  const opMany = sqlite.prepare(opSql + Array(OPS_PER_INSERT).fill(row).join(', '));
  const args: (string | number)[] = new Array(OPS_PER_INSERT * OP_FIELDS);
  const chunk = sqlite.prepare(
    'insert into session_chunks (session_id, seq, ts, dir, data) values (?, ?, ?, ?, ?)',
  );
  const end = sqlite.prepare('update sessions set ended_at = ?, end_reason = ? where id = ?');
  const commit = sqlite.transaction((b: RecordBatch) => {
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
    const s = b.strings;
    const o = b.ops;
    const order = bySession(o, s.length);
    const many = order.length - (order.length % OPS_PER_INSERT);
    let k = 0;
    for (let j = 0; j < order.length; j++) {
      const i = order[j]!;
      args[k] = s[o[i]!]!;
      args[k + 1] = o[i + 1]!;
      args[k + 2] = o[i + 2]!;
      args[k + 3] = s[o[i + 3]!]!;
      args[k + 4] = s[o[i + 4]!]!;
      args[k + 5] = s[o[i + 5]!]!;
      args[k + 6] = o[i + 6] === 1 ? 'allow' : 'deny';
      args[k + 7] = s[o[i + 7]!]!;
      args[k + 8] = s[o[i + 8]!]!;
      k += OP_FIELDS;
      if (j >= many) {
        op.run(args.slice(0, OP_FIELDS));
        k = 0;
      } else if (k === args.length) {
        opMany.run(args);
        k = 0;
      }
    }
  });
  return (b) => commit.immediate(b);
}

/**
 * Where each operation starts in `ops`, grouped by session and in queue order within one
 * (a counting sort on the session's string index): a session's rows then land side by side
 * in the (session, seq) index instead of taking turns with every other live session's.
 */
function bySession(ops: Float64Array, strings: number): Uint32Array {
  const n = ops.length / OP_FIELDS;
  const starts = new Uint32Array(strings + 1);
  for (let i = 0; i < ops.length; i += OP_FIELDS) starts[ops[i]! + 1]!++;
  for (let x = 1; x <= strings; x++) starts[x]! += starts[x - 1]!;
  const order = new Uint32Array(n);
  for (let i = 0; i < ops.length; i += OP_FIELDS) order[starts[ops[i]!]!++] = i;
  return order;
}
