/**
 * One suite, both databases: SQLite always, PostgreSQL in a throwaway database when a server
 * answers (testing/databases.ts says when it skips, and CI=true makes its absence a failure).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeBytes } from '../capture/analyze.js';
import type { LineguardEvent } from '../events/types.js';
import { buildInventory } from '../inventory/assemble.js';
import { Observations } from '../inventory/observations.js';
import type { Asset } from '../inventory/types.js';
import { plantCapture } from '../sim/plant.js';
import { openStore } from './index.js';
import { postgresUnavailable, type TestDatabase, testDatabase } from './testing/databases.js';
import { normaliseAssets } from './testing/normalise.js';
import type { Dialect, Store } from './types.js';

const pgSkip = (await postgresUnavailable()) !== null;

/**
 * buildInventory run on the events themselves. An asset seen only as a router's MAC has no
 * times there (±Infinity); the store gives it the span of the frames that carried the MAC.
 */
async function direct(events: readonly LineguardEvent[]): Promise<Asset[]> {
  const obs = new Observations();
  for (const e of events) obs.emit(e);
  const { assets } = await buildInventory(obs);
  for (const a of assets) {
    if (Number.isFinite(a.first)) continue;
    const times = events.flatMap((e) =>
      e.kind === 'flow.observed' &&
      (a.macs.includes(e.client.mac ?? '') || a.macs.includes(e.server.mac ?? ''))
        ? [e.first, e.last]
        : [],
    );
    a.first = Math.min(...times);
    a.last = Math.max(...times);
    for (const f of a.facts) [f.evidence.first, f.evidence.last] = [a.first, a.last];
  }
  return assets;
}

async function storedAssets(store: Store): Promise<Asset[]> {
  const page = await store.listAssets({ limit: 1000, offset: 0 });
  const out: Asset[] = [];
  for (const row of page.items) out.push((await store.getAsset(row.id))!);
  return out;
}

const plant = await analyzeBytes(plantCapture(), { source: 'plant-a' });

for (const dialect of ['sqlite', 'postgres'] as const satisfies Dialect[]) {
  describe.skipIf(dialect === 'postgres' && pgSkip)(`store on ${dialect}`, () => {
    let tdb: TestDatabase;
    let store: Store;
    beforeAll(async () => {
      tdb = await testDatabase(dialect);
      store = await openStore(tdb.options);
    });
    afterAll(async () => {
      await store?.close();
      await tdb?.drop();
    });

    it('holds the same inventory as buildInventory on the same events', async () => {
      const report = await store.ingest(plant.events, { batchSize: 10 });
      expect(report.events).toBe(plant.events.length);
      expect(report.batches).toBe(Math.ceil(plant.events.length / 10));
      const want = await direct(plant.events);
      expect(report.assets).toBe(want.length);
      expect(report.newAssets.sort()).toEqual(want.map((a) => a.id).sort());
      expect(normaliseAssets(await storedAssets(store))).toEqual(normaliseAssets(want));
    });
  });
}
