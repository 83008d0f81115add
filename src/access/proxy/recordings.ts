/**
 * Reading recorded sessions back, however long they ran: an eight-hour poll loop is hundreds of
 * thousands of operations, a remote-desktop relay hundreds of megabytes of chunks. So nothing
 * here reads a whole recording at once: pages walk the session's sequence numbers (the primary
 * key's order), totals are counted by the database, and an export is a stream of pages.
 *
 * Operations and chunks share their session's sequence, so a page holds the next `limit` rows
 * of both by sequence number. A page lists chunks by size; their bytes are in the export.
 */
import { type Kysely, sql } from 'kysely';
import type { AccessDb, SessionChunkTable, SessionOpTable } from '../db/schema.js';

export type RecordedChunkMeta = Omit<SessionChunkTable, 'data'> & { size: number };

export interface RecordingPage {
  operations: SessionOpTable[];
  chunks: RecordedChunkMeta[];
  /** The last sequence number of this page when more rows follow it (pass it as `after`). */
  next: number | undefined;
}

export interface RecordingTotals {
  operations: number;
  chunks: number;
  /** Bytes the client sent to the asset, and the asset back. */
  bytesToAsset: number;
  bytesFromAsset: number;
}

type Tagged<O, C> = { kind: 'operation'; row: O } | { kind: 'chunk'; row: C };

/** The first `limit` rows of both lists (each sorted by sequence number), in sequence order. */
function bySeq<O extends { seq: number }, C extends { seq: number }>(
  ops: readonly O[],
  chunks: readonly C[],
  limit: number,
): Tagged<O, C>[] {
  const out: Tagged<O, C>[] = [];
  let i = 0;
  let j = 0;
  while (out.length < limit && (i < ops.length || j < chunks.length)) {
    if (j >= chunks.length || (i < ops.length && ops[i]!.seq < chunks[j]!.seq))
      out.push({ kind: 'operation', row: ops[i++]! });
    else out.push({ kind: 'chunk', row: chunks[j++]! });
  }
  return out;
}

/** Up to `limit` rows of each kind after `after` (and up to `upTo`); chunks with their bytes or their size. */
function rowsAfter<D extends boolean>(
  db: Kysely<AccessDb>,
  session: string,
  range: { after: number; upTo?: number; limit: number },
  withData: D,
) {
  const { after, upTo, limit } = range;
  const seqs = (table: 'session_ops' | 'session_chunks') => {
    let q = db
      .selectFrom(table)
      .where('session_id', '=', session)
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(limit);
    if (upTo !== undefined) q = q.where('seq', '<=', upTo);
    return q;
  };
  return Promise.all([
    seqs('session_ops').selectAll().execute() as Promise<SessionOpTable[]>,
    (withData
      ? seqs('session_chunks').selectAll().execute()
      : seqs('session_chunks')
          .select(['session_id', 'seq', 'ts', 'dir', sql<number>`length(data)`.as('size')])
          .execute()) as Promise<D extends true ? SessionChunkTable[] : RecordedChunkMeta[]>,
  ]);
}

/** The rows of `session` after sequence number `after`: at most `limit` of them. */
export async function recordingPage(
  db: Kysely<AccessDb>,
  session: string,
  after: number,
  limit: number,
): Promise<RecordingPage> {
  // One more of each than the page holds: whether anything follows is then known.
  const [ops, chunks] = await rowsAfter(db, session, { after, limit: limit + 1 }, false);
  const rows = bySeq(ops, chunks, limit);
  const page: RecordingPage = { operations: [], chunks: [], next: undefined };
  for (const r of rows) {
    if (r.kind === 'operation') page.operations.push(r.row);
    else page.chunks.push(r.row);
  }
  if (rows.length < ops.length + chunks.length) page.next = rows.at(-1)!.row.seq;
  return page;
}

export async function recordingTotals(db: Kysely<AccessDb>, session: string): Promise<RecordingTotals> {
  const [ops, chunks] = await Promise.all([
    db
      .selectFrom('session_ops')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('session_id', '=', session)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('session_chunks')
      .select((eb) => [
        eb.fn.countAll<number>().as('n'),
        sql<number | null>`sum(case when dir = 0 then length(data) else 0 end)`.as('toAsset'),
        sql<number | null>`sum(case when dir = 1 then length(data) else 0 end)`.as('fromAsset'),
      ])
      .where('session_id', '=', session)
      .executeTakeFirstOrThrow(),
  ]);
  return {
    operations: Number(ops.n),
    chunks: Number(chunks.n),
    bytesToAsset: Number(chunks.toAsset ?? 0),
    bytesFromAsset: Number(chunks.fromAsset ?? 0),
  };
}

export type RecordedRow = Tagged<SessionOpTable, SessionChunkTable>;

/**
 * Every row of `session` in sequence order, `pageSize` at a time, up to the last one recorded
 * when the walk began: a session still open does not keep an export running.
 */
export async function* recordingRows(
  db: Kysely<AccessDb>,
  session: string,
  pageSize = 1000,
): AsyncGenerator<RecordedRow[]> {
  const ends = await Promise.all(
    (['session_ops', 'session_chunks'] as const).map((table) =>
      db
        .selectFrom(table)
        .select((eb) => eb.fn.max('seq').as('last'))
        .where('session_id', '=', session)
        .executeTakeFirstOrThrow(),
    ),
  );
  const upTo = Math.max(...ends.map((e) => Number(e.last ?? 0)));
  let after = 0;
  while (after < upTo) {
    const [ops, chunks] = await rowsAfter(db, session, { after, upTo, limit: pageSize }, true);
    const rows = bySeq(ops, chunks, pageSize);
    if (rows.length === 0) return;
    yield rows;
    after = rows.at(-1)!.row.seq;
  }
}
