/**
 * The whole-plant views: the communication graph (assets, and who talks to whom with which
 * protocols and operations) and the dashboard's counts. SQL does the grouping.
 */
import type { Kysely } from 'kysely';
import type { OpKind } from '../events/types.js';
import { assetLabel } from '../inventory/label.js';
import type { OpCounts, Role } from '../inventory/types.js';
import { cmp, effectiveApp, type Joined, listAssets } from './queries.js';
import type { Database } from './schema.js';
import type { AssetRow, Graph, GraphEdge, Stats } from './types.js';

type Purdue = AssetRow['purdue'];

export async function graph(db: Kysely<Database>): Promise<Graph> {
  const assets = await db
    .selectFrom('assets')
    .select(['id', 'names', 'ips', 'macs', 'role', 'purdue', 'vendor'])
    .orderBy('id')
    .execute();
  const nodes = assets.map((a) => {
    const label = assetLabel({
      id: a.id,
      names: JSON.parse(a.names) as string[],
      ips: JSON.parse(a.ips) as string[],
      macs: JSON.parse(a.macs) as string[],
    });
    const n: Graph['nodes'][number] = { id: a.id, label, role: a.role as Role, purdue: a.purdue as Purdue };
    if (a.vendor !== null) n.vendor = a.vendor;
    return n;
  });
  const j = db as unknown as Kysely<Joined>;
  const [flowRows, opRows] = await Promise.all([
    j
      .selectFrom('obs_flows as f')
      .innerJoin('endpoint_assets as ec', 'ec.key', 'f.client_key')
      .innerJoin('endpoint_assets as es', 'es.key', 'f.server_key')
      .whereRef('ec.asset_id', '<>', 'es.asset_id')
      .select((eb) => [
        'ec.asset_id as source',
        'es.asset_id as target',
        'f.transport',
        'f.app',
        'f.server_port',
        eb.fn.sum<number>(eb('f.c_packets', '+', eb.ref('f.s_packets'))).as('packets'),
        eb.fn.sum<number>(eb('f.c_bytes', '+', eb.ref('f.s_bytes'))).as('bytes'),
      ])
      .groupBy(['ec.asset_id', 'es.asset_id', 'f.transport', 'f.app', 'f.server_port'])
      .execute(),
    j
      .selectFrom('obs_ops as f')
      .innerJoin('endpoint_assets as ec', 'ec.key', 'f.client_key')
      .innerJoin('endpoint_assets as es', 'es.key', 'f.server_key')
      .whereRef('ec.asset_id', '<>', 'es.asset_id')
      .select((eb) => [
        'ec.asset_id as source',
        'es.asset_id as target',
        'f.protocol',
        'f.op',
        eb.fn.sum<number>('f.n').as('n'),
      ])
      .groupBy(['ec.asset_id', 'es.asset_id', 'f.protocol', 'f.op'])
      .execute(),
  ]);
  const edges = new Map<string, GraphEdge & { protocolSet: Set<string> }>();
  const edge = (source: string, target: string) => {
    const id = `${source}\n${target}`;
    let e = edges.get(id);
    if (!e) {
      e = { source, target, protocols: [], protocolSet: new Set(), ops: {}, packets: 0, bytes: 0 };
      edges.set(id, e);
    }
    return e;
  };
  for (const f of flowRows) {
    const e = edge(f.source, f.target);
    const app = effectiveApp(f.transport, f.app, f.server_port);
    if (app) e.protocolSet.add(app);
    e.packets += Number(f.packets);
    e.bytes += Number(f.bytes);
  }
  for (const o of opRows) {
    const e = edge(o.source, o.target);
    e.protocolSet.add(o.protocol);
    const ops: OpCounts = e.ops;
    ops[o.op as OpKind] = (ops[o.op as OpKind] ?? 0) + Number(o.n);
  }
  const list = [...edges.values()]
    .map(({ protocolSet, ...e }) => ({ ...e, protocols: [...protocolSet].sort() }))
    .sort((a, b) => cmp(a.source, b.source) || cmp(a.target, b.target));
  return { nodes, edges: list };
}

export async function stats(db: Kysely<Database>): Promise<Stats> {
  const [count, roles, vendors, levels, assetProtocols, flowApps, newest] = await Promise.all([
    db
      .selectFrom('assets')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('assets')
      .select((eb) => ['role', eb.fn.countAll<number>().as('n')])
      .groupBy('role')
      .execute(),
    db
      .selectFrom('assets')
      .where('vendor_key', 'is not', null)
      .select((eb) => [eb.fn.min<string>('vendor').as('vendor'), eb.fn.countAll<number>().as('n')])
      .groupBy('vendor_key')
      .execute(),
    db
      .selectFrom('assets')
      .select((eb) => ['purdue', eb.fn.countAll<number>().as('n')])
      .groupBy('purdue')
      .execute(),
    db
      .selectFrom('asset_protocols')
      .select((eb) => ['name', eb.fn.countAll<number>().as('n')])
      .groupBy('name')
      .execute(),
    db
      .selectFrom('obs_flows')
      .select((eb) => ['transport', 'app', 'server_port', eb.fn.sum<number>('flows').as('n')])
      .groupBy(['transport', 'app', 'server_port'])
      .execute(),
    listAssets(db, { sort: 'first', order: 'desc', limit: 10, offset: 0 }),
  ]);
  const byRole: Stats['byRole'] = {};
  for (const r of roles) byRole[r.role as Role] = Number(r.n);
  const protocols = new Map<string, { name: string; assets: number; flows: number }>();
  const protocol = (name: string) => {
    let p = protocols.get(name);
    if (!p) {
      p = { name, assets: 0, flows: 0 };
      protocols.set(name, p);
    }
    return p;
  };
  for (const p of assetProtocols) protocol(p.name).assets = Number(p.n);
  for (const f of flowApps) {
    const name = effectiveApp(f.transport, f.app, f.server_port);
    if (name) protocol(name).flows += Number(f.n);
  }
  return {
    assets: Number(count.n),
    byRole,
    byVendor: vendors
      .map((v) => ({ vendor: v.vendor, assets: Number(v.n) }))
      .sort((a, b) => b.assets - a.assets || cmp(a.vendor, b.vendor)),
    byPurdue: levels
      .map((l) => ({ level: l.purdue as Purdue, assets: Number(l.n) }))
      .sort((a, b) => (a.level ?? 9) - (b.level ?? 9)),
    protocols: [...protocols.values()].sort(
      (a, b) => b.assets - a.assets || b.flows - a.flows || cmp(a.name, b.name),
    ),
    newest: newest.items,
  };
}
