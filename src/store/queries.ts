/**
 * The store's read side for assets, flows and operations, in SQL over the materialised
 * inventory and the observation rows (overview.ts: the graph and the counts).
 * Every value from a caller is a bound parameter (Kysely); `search` is escaped for LIKE.
 */

import { type ExpressionBuilder, type Kysely, type SelectQueryBuilder, sql } from 'kysely';
import type { OpKind } from '../events/types.js';
import { assetIdText } from '../inventory/label.js';
import type { Asset, Role } from '../inventory/types.js';
import { StoreError } from './errors.js';
import { cidrRange } from './ipnet.js';
import type { Database } from './schema.js';
import type { AssetQuery, AssetRow, AssetSort, FlowRow, OpRow, Page } from './types.js';

type Purdue = AssetRow['purdue'];

const SORT_COLUMN = {
  ip: 'sort_ip',
  name: 'sort_name',
  role: 'role',
  vendor: 'vendor_key',
  model: 'model',
  purdue: 'purdue',
  first: 'first_seen',
  last: 'last_seen',
} as const satisfies Record<AssetSort, keyof Database['assets']>;

/** The conversation's protocol as the inventory names it: unrecognised TCP/UDP is `tcp/3389`. */
export function effectiveApp(transport: string, app: string, port: number): string | undefined {
  if (app) return app;
  if ((transport === 'tcp' || transport === 'udp') && port >= 0) return `${transport}/${port}`;
  return undefined;
}

function likeContains(term: string): string {
  return `%${term.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`;
}

type AssetSelect = SelectQueryBuilder<Database, 'assets', object>;

function filtered(db: Kysely<Database>, q: Omit<AssetQuery, 'limit' | 'offset'>): AssetSelect {
  let qb: AssetSelect = db.selectFrom('assets');
  if (q.role && q.role.length > 0) qb = qb.where('role', 'in', q.role);
  if (q.vendor) qb = qb.where('vendor_key', '=', q.vendor.toLowerCase());
  const protocol = q.protocol;
  if (protocol)
    qb = qb.where((eb) =>
      eb.exists(
        eb
          .selectFrom('asset_protocols as p')
          .select('p.name')
          .whereRef('p.asset_id', '=', 'assets.id')
          .where('p.name', '=', protocol),
      ),
    );
  if (q.subnet) {
    const r = cidrRange(q.subnet);
    if (!r)
      throw new StoreError(
        'invalid',
        'subnet',
        `subnet: not an IPv4 or IPv6 CIDR block: ${JSON.stringify(q.subnet)}`,
      );
    qb = qb.where((eb) =>
      eb.exists(
        eb
          .selectFrom('asset_ips as i')
          .select('i.ip')
          .whereRef('i.asset_id', '=', 'assets.id')
          .where('i.v', '=', r.v)
          .where('i.bin', '>=', r.lo)
          .where('i.bin', '<=', r.hi),
      ),
    );
  }
  if (q.search) qb = qb.where(sql<boolean>`${sql.ref('search')} like ${likeContains(q.search)} escape '!'`);
  return qb;
}

type AssetRecord = Database['assets'];

function toRow(r: Omit<AssetRecord, 'doc' | 'search' | 'sort_ip' | 'sort_name' | 'vendor_key'>): AssetRow {
  const row: AssetRow = {
    id: r.id,
    ips: JSON.parse(r.ips) as string[],
    macs: JSON.parse(r.macs) as string[],
    names: JSON.parse(r.names) as string[],
    role: r.role as Role,
    roleConfidence: r.role_confidence,
    purdue: r.purdue as Purdue,
    protocols: JSON.parse(r.protocols) as string[],
    peers: r.peers,
    first: r.first_seen,
    last: r.last_seen,
  };
  if (r.vendor !== null) row.vendor = r.vendor;
  if (r.model !== null) row.model = r.model;
  if (r.firmware !== null) row.firmware = r.firmware;
  if (r.serial !== null) row.serial = r.serial;
  return row;
}

const ROW_COLUMNS = [
  'id',
  'ips',
  'macs',
  'names',
  'vendor',
  'model',
  'firmware',
  'serial',
  'role',
  'role_confidence',
  'purdue',
  'protocols',
  'peers',
  'first_seen',
  'last_seen',
] as const;

export async function listAssets(db: Kysely<Database>, q: AssetQuery): Promise<Page<AssetRow>> {
  for (const field of ['limit', 'offset'] as const)
    if (!Number.isSafeInteger(q[field]) || q[field] < 0)
      throw new StoreError('invalid', field, `${field} must be a whole number ≥ 0, got ${q[field]}`);
  const base = filtered(db, q);
  const column = SORT_COLUMN[q.sort ?? 'ip'];
  const desc = q.order === 'desc';
  const [items, count] = await Promise.all([
    base
      .select(ROW_COLUMNS)
      // Unknowns last in either direction; the id keeps pages stable.
      .orderBy(column, (ob) => (desc ? ob.desc() : ob.asc()).nullsLast())
      .orderBy('id')
      .limit(q.limit)
      .offset(q.offset)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: items.map(toRow), total: Number(count.n), limit: q.limit, offset: q.offset };
}

export async function getAsset(db: Kysely<Database>, id: string): Promise<Asset | undefined> {
  const r = await db.selectFrom('assets').select('doc').where('id', '=', id).executeTakeFirst();
  if (!r) return undefined;
  const asset = JSON.parse(r.doc) as Asset;
  // A store built before peers were named keeps such documents until its next ingest.
  for (const p of asset.peers) p.name ??= assetIdText(p.asset);
  return asset;
}

type Side = 'f.client_key' | 'f.server_key';
/**
 * Flow or operation rows (`f`) with the asset of each side (`ec`, `es`: left joins, so
 * either may be missing). Named once here so the helpers below can take it.
 */
export type Joined = Database & {
  f: Database['obs_flows'] | Database['obs_ops'];
  ec: Database['endpoint_assets'];
  es: Database['endpoint_assets'];
};

/** Asset of an address, or the address itself when it belongs to none (a broadcast address). */
function party(eb: ExpressionBuilder<Joined, 'f' | 'ec' | 'es'>, side: 'ec' | 'es', key: Side) {
  return eb.fn.coalesce(`${side}.asset_id`, key);
}

/** Rows touching `asset` (either side), and `peer` on the other side when given. */
function touching(eb: ExpressionBuilder<Joined, 'f' | 'ec' | 'es'>, asset: string, peer?: string) {
  // The asset's own addresses first: that is what the indexes on client_key/server_key serve.
  const keysOf = eb.selectFrom('endpoint_assets').select('key').where('asset_id', '=', asset);
  const ours = eb.or([eb('f.client_key', 'in', keysOf), eb('f.server_key', 'in', keysOf)]);
  if (peer === undefined) return ours;
  return eb.and([
    ours,
    eb.or([
      eb.and([eb('ec.asset_id', '=', asset), eb(party(eb, 'es', 'f.server_key'), '=', peer)]),
      eb.and([eb('es.asset_id', '=', asset), eb(party(eb, 'ec', 'f.client_key'), '=', peer)]),
    ]),
  ]);
}

export async function flows(db: Kysely<Database>, asset: string, peer?: string): Promise<FlowRow[]> {
  const rows = await (db as unknown as Kysely<Joined>)
    .selectFrom('obs_flows as f')
    .leftJoin('endpoint_assets as ec', 'ec.key', 'f.client_key')
    .leftJoin('endpoint_assets as es', 'es.key', 'f.server_key')
    .where((eb) => touching(eb, asset, peer))
    .select((eb) => [
      party(eb, 'ec', 'f.client_key').as('client'),
      party(eb, 'es', 'f.server_key').as('server'),
      'f.transport',
      'f.app',
      'f.server_port',
      eb.fn.sum<number>('f.flows').as('flows'),
      eb.fn.sum<number>('f.c_packets').as('c_packets'),
      eb.fn.sum<number>('f.s_packets').as('s_packets'),
      eb.fn.sum<number>('f.c_bytes').as('c_bytes'),
      eb.fn.sum<number>('f.s_bytes').as('s_bytes'),
      eb.fn.min<number>('f.first_seen').as('first'),
      eb.fn.max<number>('f.last_seen').as('last'),
    ])
    .groupBy((eb) => [
      party(eb, 'ec', 'f.client_key'),
      party(eb, 'es', 'f.server_key'),
      'f.transport',
      'f.app',
      'f.server_port',
    ])
    .execute();
  const out = rows.map((r) => {
    const row: FlowRow = {
      client: r.client,
      server: r.server,
      transport: r.transport,
      flows: Number(r.flows),
      packets: [Number(r.c_packets), Number(r.s_packets)],
      bytes: [Number(r.c_bytes), Number(r.s_bytes)],
      first: r.first,
      last: r.last,
    };
    if (r.app) row.app = r.app;
    if (r.server_port >= 0) row.serverPort = r.server_port;
    return row;
  });
  // Busiest first; the rest only makes the order deterministic.
  return out.sort(
    (a, b) =>
      b.packets[0] + b.packets[1] - (a.packets[0] + a.packets[1]) ||
      cmp(a.client, b.client) ||
      cmp(a.server, b.server) ||
      cmp(a.transport, b.transport) ||
      cmp(a.app ?? '', b.app ?? '') ||
      (a.serverPort ?? -1) - (b.serverPort ?? -1),
  );
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export async function operations(db: Kysely<Database>, asset: string, peer?: string): Promise<OpRow[]> {
  const rows = await (db as unknown as Kysely<Joined>)
    .selectFrom('obs_ops as f')
    .leftJoin('endpoint_assets as ec', 'ec.key', 'f.client_key')
    .leftJoin('endpoint_assets as es', 'es.key', 'f.server_key')
    .where((eb) => touching(eb, asset, peer))
    .select((eb) => [
      party(eb, 'ec', 'f.client_key').as('client'),
      party(eb, 'es', 'f.server_key').as('server'),
      'f.protocol',
      'f.op',
      'f.code',
      'f.target',
      eb.fn.sum<number>('f.n').as('n'),
      eb.fn.sum<number>('f.failed').as('failed'),
      eb.fn.min<number>('f.first_seen').as('first'),
      eb.fn.max<number>('f.last_seen').as('last'),
    ])
    .groupBy((eb) => [
      party(eb, 'ec', 'f.client_key'),
      party(eb, 'es', 'f.server_key'),
      'f.protocol',
      'f.op',
      'f.code',
      'f.target',
    ])
    .execute();
  const out = rows.map((r) => {
    const row: OpRow = {
      client: r.client,
      server: r.server,
      protocol: r.protocol,
      op: r.op as OpKind,
      code: r.code,
      count: Number(r.n),
      failed: Number(r.failed),
      first: r.first,
      last: r.last,
    };
    if (r.target) row.target = r.target;
    return row;
  });
  return out.sort(
    (a, b) =>
      b.count - a.count ||
      cmp(a.client, b.client) ||
      cmp(a.server, b.server) ||
      cmp(a.protocol, b.protocol) ||
      cmp(a.op, b.op) ||
      cmp(a.code, b.code) ||
      cmp(a.target ?? '', b.target ?? ''),
  );
}
