/**
 * The recorder on its own: operations queued as numbers and strings by index come back from the
 * database as the rows that were recorded, in order, whether a batch is committed by the
 * recording worker (a database file) or in place (in memory), in statements of many rows or one,
 * with the operations of sessions that took turns.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionOpTable } from '../db/schema.js';
import { recordedOps, type TestGateway, testGateway } from '../testing/gateway.js';

/** 150 operations: more than one multi-row statement, and a remainder written row by row. */
function operations(session: string): SessionOpTable[] {
  return Array.from({ length: 150 }, (_, i) => ({
    session_id: session,
    seq: i + 1,
    ts: 1_700_000_000_000 + i * 7,
    action: i % 10 === 9 ? 'modbus:write' : 'modbus:read',
    code: i % 10 === 9 ? '16' : '3',
    target: `unit 1 holding ${i % 4}0-${i % 4}9`,
    decision: i % 10 === 9 ? 'deny' : 'allow',
    reasons: i % 10 === 9 ? 'grant-missing' : 'grant-active,mfa-fresh',
    result: i % 10 === 9 ? 'denied' : i === 148 ? 'no-response' : 'ok',
  }));
}

describe('Recorder', () => {
  let t: TestGateway | undefined;
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });

  for (const where of ['file', 'memory'] as const)
    it(`commits queued operations as they were recorded (${where} database)`, async () => {
      t = await testGateway(where === 'memory' ? { dbPath: ':memory:' } : {});
      const rec = t.gw.recorder;
      // Two live sessions taking turns, as the proxies queue them.
      const one = operations('s-one');
      const two = operations('s-two');
      const rows = one.flatMap((r, i) => [r, two[i]!]);
      for (const r of rows)
        rec.op(
          r.session_id,
          r.seq,
          r.ts,
          r.action,
          r.code,
          r.target,
          r.decision === 'allow',
          r.reasons,
          r.result,
        );
      expect(await recordedOps(rec, 's-one')).toEqual(operations('s-one'));
      expect(await recordedOps(rec, 's-two')).toEqual(operations('s-two'));
      expect(rec.failedBatches).toBe(0);
    });

  /** A session's rows as the proxies record them: operations, and chunks between them. */
  function record(rec: TestGateway['gw']['recorder'], session: string, last: number, first = 1) {
    const kinds: ('op' | 'chunk')[] = [];
    for (let seq = first; seq <= last; seq++) {
      // Runs of either kind, of changing lengths: page edges fall inside runs and between them.
      const chunk = seq % 7 < 3;
      kinds.push(chunk ? 'chunk' : 'op');
      if (chunk)
        rec.chunk({
          session_id: session,
          seq,
          ts: seq,
          dir: seq % 2,
          data: Buffer.alloc(seq % 50, seq & 0xff),
        });
      else rec.op(session, seq, seq, 'modbus:read', '3', `unit 1 holding ${seq}`, true, 'grant-active', 'ok');
    }
    return kinds;
  }

  it('reads a recording back in pages, in sequence order, with its totals', async () => {
    t = await testGateway();
    const rec = t.gw.recorder;
    const kinds = record(rec, 's-long', 2500);
    record(rec, 's-other', 40);
    const seen: string[] = [];
    let after = 0;
    let pages = 0;
    for (;;) {
      const page = await rec.page('s-long', after, 300);
      pages++;
      const rows = [
        ...page.operations.map((o) => [o.seq, 'op'] as const),
        ...page.chunks.map((c) => {
          expect(c.size).toBe(c.seq % 50);
          return [c.seq, 'chunk'] as const;
        }),
      ].sort((a, b) => a[0] - b[0]);
      expect(rows.length).toBeLessThanOrEqual(300);
      expect(rows[0]![0]).toBe(after + 1);
      for (const [, kind] of rows) seen.push(kind);
      if (page.next === undefined) break;
      expect(page.next).toBe(rows.at(-1)![0]);
      after = page.next;
    }
    expect(pages).toBe(9);
    expect(seen).toEqual(kinds);
    const chunks = kinds.flatMap((k, i) => (k === 'chunk' ? [i + 1] : []));
    expect(await rec.totals('s-long')).toEqual({
      operations: kinds.length - chunks.length,
      chunks: chunks.length,
      bytesToAsset: chunks.filter((s) => s % 2 === 0).reduce((n, s) => n + (s % 50), 0),
      bytesFromAsset: chunks.filter((s) => s % 2 === 1).reduce((n, s) => n + (s % 50), 0),
    });
    expect(await rec.totals('s-none')).toEqual({
      operations: 0,
      chunks: 0,
      bytesToAsset: 0,
      bytesFromAsset: 0,
    });
    expect(await rec.page('s-none')).toEqual({ operations: [], chunks: [], next: undefined });

    // The export's walk: every row once, in order, chunks with their bytes, pages of any size.
    const walked: [number, string][] = [];
    for await (const page of rec.rows('s-long', 256)) {
      expect(page.length).toBeLessThanOrEqual(256);
      for (const r of page) {
        walked.push([r.row.seq, r.kind === 'chunk' ? 'chunk' : 'op']);
        if (r.kind === 'chunk')
          expect(Buffer.from(r.row.data)).toEqual(Buffer.alloc(r.row.seq % 50, r.row.seq & 0xff));
      }
    }
    expect(walked).toEqual(kinds.map((k, i) => [i + 1, k]));
  });

  it('pages back through the recorded sessions newest first, each once', async () => {
    t = await testGateway();
    const rec = t.gw.recorder;
    for (let i = 0; i < 7; i++)
      rec.start({
        id: `s-${i}`,
        protocol: 'modbus',
        user_id: i % 2 ? 'sam' : 'otto',
        device_id: null,
        asset_id: 'plc1',
        source: '10.0.0.9',
        // Three started in the same millisecond.
        started_at: 1_700_000_000_000 + Math.max(0, i - 2) * 1000,
        ended_at: null,
        end_reason: null,
      });
    const all = (await rec.sessions()).map((s) => s.id);
    expect(all).toEqual(['s-6', 's-5', 's-4', 's-3', 's-2', 's-1', 's-0']);
    const paged: string[] = [];
    let before: string | undefined;
    do {
      const page = await rec.sessions({ limit: 3, ...(before !== undefined ? { before } : {}) });
      paged.push(...page.map((s) => s.id));
      before = page.length === 3 ? page.at(-1)!.id : undefined;
    } while (before !== undefined);
    expect(paged).toEqual(all);
    expect((await rec.sessions({ user: 'sam', before: 's-5' })).map((s) => s.id)).toEqual(['s-3', 's-1']);
    await expect(rec.sessions({ before: 's-none' })).rejects.toMatchObject({ code: 'ACCESS_NOT_FOUND' });
  });

  it('exports a session still open up to what was recorded when the export began', async () => {
    t = await testGateway();
    const rec = t.gw.recorder;
    record(rec, 's-open', 30);
    const walk = rec.rows('s-open', 10);
    const first = await walk.next();
    // Recorded after the walk began: not in this export.
    record(rec, 's-open', 60, 31);
    await rec.flush();
    let n = first.done ? 0 : first.value.length;
    for await (const page of walk) n += page.length;
    expect(n).toBe(30);
    expect((await rec.totals('s-open')).operations + (await rec.totals('s-open')).chunks).toBe(60);
    expect(rec.failedBatches).toBe(0);
  });
});
