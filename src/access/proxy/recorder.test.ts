/**
 * The recorder on its own: operations queued as numbers and strings by index come back from the
 * database as the rows that were recorded, in order, whether a batch is committed by the
 * recording worker (a database file) or in place (in memory), in statements of many rows or one,
 * with the operations of sessions that took turns.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SessionOpTable } from '../db/schema.js';
import { type TestGateway, testGateway } from '../testing/gateway.js';

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
      expect(await rec.operations('s-one')).toEqual(operations('s-one'));
      expect(await rec.operations('s-two')).toEqual(operations('s-two'));
      expect(rec.failedBatches).toBe(0);
    });
});
