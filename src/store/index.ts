/**
 * The hub's store: `openStore` opens SQLite (default, a WAL file under the data dir) or
 * PostgreSQL (`postgres://…` in `opts.url` or LINEGUARD_DATABASE_URL), runs the migrations,
 * finishes an inventory a killed ingest left unbuilt, and answers the `Store` interface.
 */
import type { Kysely } from 'kysely';
import type { LineguardEvent } from '../events/types.js';
import { openDatabase } from './connect.js';
import { StoreError } from './errors.js';
import { BatchFold, eventProblem } from './fold.js';
import { inventoryStale, rebuildInventory } from './materialise.js';
import { graph, stats } from './overview.js';
import * as q from './queries.js';
import type { Database } from './schema.js';
import type { Dialect, IngestReport, Store, StoreOptions } from './types.js';
import { users } from './users.js';
import { batchWriter } from './write.js';

export { StoreError, type StoreErrorCode } from './errors.js';
export type * from './types.js';

const DEFAULT_BATCH = 10_000;

async function currentIds(db: Kysely<Database>): Promise<{ id: string }[]> {
  return db.selectFrom('assets').select('id').execute();
}

async function ingest(
  db: Kysely<Database>,
  dialect: Dialect,
  events: Iterable<LineguardEvent> | AsyncIterable<LineguardEvent>,
  batchSize: number,
): Promise<IngestReport> {
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new StoreError('invalid', 'batchSize', `batchSize must be a positive integer, got ${batchSize}`);
  const before = new Set((await currentIds(db)).map((r) => r.id));
  const { id } = await db
    .insertInto('ingests')
    .values({ started: Date.now(), finished: null, events: 0, batches: 0 })
    .returning('id')
    .executeTakeFirstOrThrow();
  const writer = batchWriter(db, dialect, id);
  const fold = new BatchFold();
  let total = 0;
  let batches = 0;
  const flush = async () => {
    if (fold.events === 0) return;
    await writer.write(fold);
    total += fold.events;
    batches++;
    fold.clear();
  };
  try {
    for await (const e of events) {
      const problem = eventProblem(e);
      if (problem) {
        const at = `events[${total + fold.events}]`;
        throw new StoreError(
          'invalid',
          at,
          `${at} (${String(e.kind)}): ${problem}; its batch was not written`,
        );
      }
      fold.add(e);
      if (fold.events >= batchSize) await flush();
    }
    await flush();
  } catch (e) {
    // The batches committed so far stay, under their ingest (left unfinished); the inventory
    // should say so before the error goes up (if even that fails, the next open finds it stale
    // and rebuilds it). An ingest that committed nothing leaves no trace, not even its row.
    if (batches > 0) await rebuildInventory(db, dialect).catch(() => undefined);
    else
      await db
        .deleteFrom('ingests')
        .where('id', '=', id)
        .execute()
        .catch(() => undefined);
    throw e;
  }
  // Nothing committed and nothing left unbuilt: the inventory stands as it is.
  const { assets } =
    batches === 0 && !(await inventoryStale(db))
      ? { assets: await currentIds(db) }
      : await rebuildInventory(db, dialect);
  await db.updateTable('ingests').set({ finished: Date.now() }).where('id', '=', id).execute();
  return {
    events: total,
    batches,
    assets: assets.length,
    newAssets: assets.filter((a) => !before.has(a.id)).map((a) => a.id),
  };
}

export async function openStore(opts: StoreOptions = {}): Promise<Store> {
  const { db, dialect } = await openDatabase(opts);
  try {
    if (await inventoryStale(db)) await rebuildInventory(db, dialect);
  } catch (e) {
    await db.destroy();
    throw e;
  }
  return {
    dialect,
    ingest: (events, o) => ingest(db, dialect, events, o?.batchSize ?? DEFAULT_BATCH),
    listAssets: (query) => q.listAssets(db, query),
    getAsset: (id) => q.getAsset(db, id),
    flows: (asset, peer) => q.flows(db, asset, peer),
    operations: (asset, peer) => q.operations(db, asset, peer),
    graph: () => graph(db),
    stats: () => stats(db),
    ...users(db),
    close: () => db.destroy(),
  };
}
