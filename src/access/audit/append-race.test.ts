/**
 * The audit log and the session recorder write the same database from two connections: the
 * main thread's (audit entries, grants, directory…) and the recording worker's. An audit append
 * reads the chain's head, then writes; begun deferred, it could not take the write lock while
 * the worker committed and failed at once with SQLITE_BUSY, losing the entry (here 34 to 570 of
 * 2000 in a run). The real recording worker commits batch after batch while the proxies' path
 * appends entries, and every entry must land, in one chain that verifies, with every recorded
 * operation beside it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { recordedOps, type TestGateway, testGateway } from '../testing/gateway.js';

/** Entries appended, at least… */
const MIN_APPENDS = 2000;
/** …and on until the worker has committed this many recording batches meanwhile. */
const MIN_BATCHES = 25;
/** Operations per recording batch: enough that a commit takes a while. */
const OPS_PER_BATCH = 400;
/** Give up appending after this long (the batches assertion then says why). */
const MAX_MS = 20_000;

describe('audit append beside the recording worker', () => {
  let t: TestGateway | undefined;
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });

  it('loses no entry while the worker commits', async () => {
    t = await testGateway();
    const { gw } = t;
    const rec = gw.recorder;
    const before = (await gw.verifyAudit()).entries;

    // The recorder: batch after batch, each committed by the worker on its own connection.
    let recording = true;
    let batches = 0;
    let ops = 0;
    const recorderLoop = (async () => {
      while (recording) {
        for (let i = 0; i < OPS_PER_BATCH; i++) {
          ops++;
          rec.op(
            's-race',
            ops,
            1_700_000_000_000 + ops,
            'modbus:read',
            '3',
            'unit 1 holding 0-9',
            true,
            'grant-active',
            'ok',
          );
        }
        await rec.flush();
        batches++;
      }
    })();

    // The proxies' path: appends that cannot be awaited, a few at a time, letting the recorder
    // post its next batch in between.
    let committed = 0;
    const off = gw.audit.subscribe((e) => {
      if (e.subject === 's-race') committed++;
    });
    const until = Date.now() + MAX_MS;
    let appends = 0;
    while ((appends < MIN_APPENDS || batches < MIN_BATCHES) && Date.now() < until) {
      gw.audit.appendSoon({ type: 'access.decision', actor: 'sam', subject: 's-race', data: { i: appends } });
      if (++appends % 4 === 0) await new Promise((r) => setImmediate(r));
    }
    await expect
      .poll(() => committed + gw.audit.failedAppends, { timeout: 30_000, interval: 20 })
      .toBe(appends);
    recording = false;
    await recorderLoop;
    off();

    expect({ failedAppends: gw.audit.failedAppends, committed }).toEqual({
      failedAppends: 0,
      committed: appends,
    });
    expect(batches).toBeGreaterThanOrEqual(MIN_BATCHES);
    expect(rec.failedBatches).toBe(0);
    expect((await recordedOps(rec, 's-race')).length).toBe(ops);

    expect(await gw.verifyAudit()).toMatchObject({ ok: true, entries: before + appends });
    const mine: number[] = [];
    for await (const e of gw.audit.entries({ type: 'access.decision' }))
      if (e.subject === 's-race') mine.push(e.data.i as number);
    expect(mine.sort((a, b) => a - b)).toEqual(Array.from({ length: appends }, (_, i) => i));
  });
});
