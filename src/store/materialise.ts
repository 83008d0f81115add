/**
 * Rebuilds the inventory from the observation rows and writes it as queryable tables: one
 * row per asset (with the whole asset as JSON for the detail view), its IPs as bytes for
 * subnet filters, its protocols, and which asset each address belongs to (flows and
 * operations are stored per address and queried per asset through it).
 *
 * Reading takes a snapshot; the write happens in one transaction and only when no newer
 * snapshot was written meanwhile, so a slower concurrent rebuild never overwrites a newer one.
 */
import { type Insertable, type Kysely, sql } from 'kysely';
import { buildInventory } from '../inventory/assemble.js';
import type { Asset } from '../inventory/types.js';
import { Batched } from './batched.js';
import { ipBytes, ipSortKey } from './ipnet.js';
import { replay } from './replay.js';
import type { AssetIpTable, AssetProtocolTable, AssetTable, Database, EndpointAssetTable } from './schema.js';
import type { Dialect } from './types.js';

const assetRows = new Batched<Insertable<AssetTable>>((trx, rows) => trx.insertInto('assets').values(rows));
const ipRows = new Batched<Insertable<AssetIpTable>>((trx, rows) => trx.insertInto('asset_ips').values(rows));
const protocolRows = new Batched<Insertable<AssetProtocolTable>>((trx, rows) =>
  trx.insertInto('asset_protocols').values(rows),
);
const endpointRows = new Batched<Insertable<EndpointAssetTable>>((trx, rows) =>
  trx.insertInto('endpoint_assets').values(rows),
);

function assetRow(a: Asset): Insertable<AssetTable> {
  const search = [...a.ips, ...a.macs, ...a.names, a.vendor, a.model, a.firmware, a.serial]
    .filter((s): s is string => !!s)
    .join('\n')
    .toLowerCase();
  return {
    id: a.id,
    ips: JSON.stringify(a.ips),
    macs: JSON.stringify(a.macs),
    names: JSON.stringify(a.names),
    vendor: a.vendor ?? null,
    vendor_key: a.vendor?.toLowerCase() ?? null,
    model: a.model ?? null,
    firmware: a.firmware ?? null,
    serial: a.serial ?? null,
    role: a.role.role,
    role_confidence: a.role.confidence,
    purdue: a.purdue.level,
    protocols: JSON.stringify(a.protocols.map((p) => p.name)),
    peers: a.peers.length,
    first_seen: a.first,
    last_seen: a.last,
    sort_ip: a.ips[0] ? (ipSortKey(a.ips[0]) ?? null) : null,
    sort_name: a.names[0]?.toLowerCase() ?? null,
    search,
    doc: JSON.stringify(a),
  };
}

/** Rebuilds and writes the inventory; returns its assets (written unless a newer one already was). */
export async function rebuildInventory(db: Kysely<Database>, dialect: Dialect): Promise<{ assets: Asset[] }> {
  const tx =
    dialect === 'postgres' ? db.transaction().setIsolationLevel('repeatable read') : db.transaction();
  const { gen, obs } = await tx.execute(async (trx) => {
    const state = await trx
      .selectFrom('store_state')
      .select('rows_gen')
      .where('id', '=', 1)
      .executeTakeFirstOrThrow();
    return { gen: state.rows_gen, obs: await replay(trx) };
  });
  const { assets } = await buildInventory(obs);
  await db.transaction().execute(async (trx) => {
    // Take the write lock first (PostgreSQL: the row; SQLite: the database), then compare.
    await trx.updateTable('store_state').set({ built_gen: sql`built_gen` }).where('id', '=', 1).execute();
    const { built_gen } = await trx
      .selectFrom('store_state')
      .select('built_gen')
      .where('id', '=', 1)
      .executeTakeFirstOrThrow();
    if (built_gen > gen) return;
    await trx.deleteFrom('endpoint_assets').execute();
    await trx.deleteFrom('asset_protocols').execute();
    await trx.deleteFrom('asset_ips').execute();
    await trx.deleteFrom('assets').execute();
    await assetRows.run(trx, dialect, assets.map(assetRow));
    const ips = assets.flatMap((a) =>
      a.ips.flatMap((ip) => {
        const b = ipBytes(ip);
        return b ? [{ asset_id: a.id, ip, v: b.v, bin: b.bin }] : [];
      }),
    );
    await ipRows.run(trx, dialect, ips);
    const protocols = assets.flatMap((a) => a.protocols.map((p) => ({ asset_id: a.id, name: p.name })));
    await protocolRows.run(trx, dialect, protocols);
    const keys = assets.flatMap((a) => [
      ...a.ips.map((ip) => ({ key: `ip:${ip}`, asset_id: a.id })),
      ...a.macs.map((mac) => ({ key: `mac:${mac}`, asset_id: a.id })),
    ]);
    await endpointRows.run(trx, dialect, keys);
    await trx.updateTable('store_state').set({ built_gen: gen }).where('id', '=', 1).execute();
  });
  return { assets };
}

/** True when batches were committed after the inventory was last built (a killed ingest). */
export async function inventoryStale(db: Kysely<Database>): Promise<boolean> {
  const s = await db
    .selectFrom('store_state')
    .select(['rows_gen', 'built_gen'])
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
  return s.built_gen < s.rows_gen;
}
