/**
 * `lineguard audit verify`: walks the chain from the first entry and names the first one that
 * does not hold — a changed entry (its hash no longer matches its fields), a broken link (its
 * `prev` is not the hash before it), a gap or reordering in the sequence, or a head that says
 * more entries existed than are there.
 */
import type { Kysely } from 'kysely';
import type { AccessDb } from '../db/schema.js';
import { entryHash, GENESIS } from './chain.js';
import { HEAD_KEY } from './log.js';

export type VerifyProblem = 'hash-mismatch' | 'broken-link' | 'sequence-gap' | 'truncated' | 'unreadable';

export type VerifyResult =
  | { ok: true; entries: number; head: string }
  | { ok: false; entries: number; seq: number; problem: VerifyProblem; detail: string };

export async function verifyAudit(db: Kysely<AccessDb>, pageSize = 2000): Promise<VerifyResult> {
  let prevHash = GENESIS;
  let expected = 1;
  for (;;) {
    const rows = await db
      .selectFrom('audit')
      .selectAll()
      .where('seq', '>=', expected)
      .orderBy('seq')
      .limit(pageSize)
      .execute();
    for (const r of rows) {
      const n = expected - 1;
      if (r.seq !== expected)
        return bad(n, expected, 'sequence-gap', `entry ${expected} is missing (next is ${r.seq})`);
      if (r.prev !== prevHash)
        return bad(n, r.seq, 'broken-link', `entry ${r.seq} does not link to entry ${r.seq - 1}`);
      let data: unknown;
      try {
        data = JSON.parse(r.data);
      } catch {
        return bad(n, r.seq, 'unreadable', `entry ${r.seq} data is not JSON`);
      }
      const hash = entryHash(r.prev, {
        seq: r.seq,
        ts: r.ts,
        type: r.type,
        actor: r.actor,
        subject: r.subject,
        data,
      });
      if (hash !== r.hash) return bad(n, r.seq, 'hash-mismatch', `entry ${r.seq} (${r.type}) was altered`);
      prevHash = r.hash;
      expected++;
    }
    if (rows.length < pageSize) break;
  }
  const count = expected - 1;
  const head = await db.selectFrom('meta').select('value').where('key', '=', HEAD_KEY).executeTakeFirst();
  const want = count === 0 ? undefined : `${count}:${prevHash}`;
  if (head?.value !== want) {
    const headSeq = head === undefined ? 0 : Number(head.value.split(':')[0]);
    if (headSeq > count)
      return bad(
        count,
        count + 1,
        'truncated',
        `the log ends at entry ${count} but its head records ${headSeq}`,
      );
    return bad(count, count, 'hash-mismatch', `the log's head does not match entry ${count}`);
  }
  return { ok: true, entries: count, head: prevHash };
}

function bad(entries: number, seq: number, problem: VerifyProblem, detail: string): VerifyResult {
  return { ok: false, entries, seq, problem, detail };
}
