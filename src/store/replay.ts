/**
 * Replays the stored observation rows into a fresh `Observations`, so the inventory's own
 * identity resolution (`buildInventory`) runs on the store exactly as on a live capture.
 * Addresses are registered first in the order they were first seen (which address becomes
 * an asset's id can depend on it). Then every sighting's first event in time order — the
 * fold keeps the protocol and source of a fact's, and of a binding's, earliest sighting —
 * then each one's last event, then flows and operations, whose fold does not depend on
 * order. A fact's count is restored at the end. Events are made as they are emitted, and
 * dropped right after, so a large replay does not hold them all.
 */
import type { Kysely } from 'kysely';
import type { Endpoint, FlowObserved, LineguardEvent, OpKind } from '../events/types.js';
import { Observations } from '../inventory/observations.js';
import { endpointKey } from './fold.js';
import type { Database } from './schema.js';

function endpoint(ip: string, mac: string, port?: number): Endpoint {
  const e: Endpoint = {};
  if (ip) e.ip = ip;
  if (mac) e.mac = mac;
  if (port !== undefined && port >= 0) e.port = port;
  return e;
}

/** A TTL that reads back as `hops` routers (`hopsFromTtl`): 255 - hops, or 0 when unknown. */
function ttlFor(hops: number | null): number {
  return hops === null || hops < 0 ? 0 : 255 - hops;
}

export async function replay(db: Kysely<Database>): Promise<Observations> {
  const obs = new Observations();
  const endpoints = await db.selectFrom('endpoints').select(['key', 'first_seen']).orderBy('id').execute();
  for (const e of endpoints) obs.node(e.key, e.first_seen);

  const counts = new Map<string, { node: string; key: string; value: string; n: number }>();
  const facts = await db
    .selectFrom('obs_facts as f')
    .innerJoin('sources as s', 's.id', 'f.source_id')
    .select([
      's.name as source',
      'f.ip',
      'f.mac',
      'f.protocol',
      'f.fact_key',
      'f.fact_value',
      'f.first_seen',
      'f.last_seen',
      'f.n',
      'f.frame',
    ])
    .orderBy('f.first_seen')
    .orderBy('f.k')
    .execute();
  const sighting = (f: (typeof facts)[number], ts: number): LineguardEvent => ({
    kind: 'asset.observed',
    at: endpoint(f.ip, f.mac),
    protocol: f.protocol,
    facts: f.fact_key === '' ? {} : { [f.fact_key]: f.fact_value },
    evidence: f.frame === null ? { source: f.source, ts } : { source: f.source, ts, frame: f.frame },
  });
  for (const f of facts) {
    obs.emit(sighting(f, f.first_seen));
    const node = endpointKey(endpoint(f.ip, f.mac));
    if (f.fact_key === '' || !node) continue;
    const id = `${node}\0${f.fact_key}\0${f.fact_value}`;
    const c = counts.get(id);
    if (c) c.n += f.n;
    else counts.set(id, { node, key: f.fact_key, value: f.fact_value, n: f.n });
  }
  for (const f of facts) if (f.last_seen > f.first_seen) obs.emit(sighting(f, f.last_seen));

  // Flows and operations: the sources' rows summed per conversation, which is all the fold uses.
  const flows = await db
    .selectFrom('obs_flows')
    .select((eb) => [
      'client_ip',
      'client_mac',
      'server_ip',
      'server_mac',
      'server_port',
      'transport',
      'app',
      eb.fn.sum<number>('c_packets').as('c_packets'),
      eb.fn.sum<number>('s_packets').as('s_packets'),
      eb.fn.sum<number>('c_bytes').as('c_bytes'),
      eb.fn.sum<number>('s_bytes').as('s_bytes'),
      eb.fn.min('first_seen').as('first_seen'),
      eb.fn.max('last_seen').as('last_seen'),
      eb.fn.min<number | null>(eb.case().when('c_hops', '>=', 0).then(eb.ref('c_hops')).end()).as('c_hops'),
      eb.fn.min<number | null>(eb.case().when('s_hops', '>=', 0).then(eb.ref('s_hops')).end()).as('s_hops'),
    ])
    .groupBy(['client_ip', 'client_mac', 'server_ip', 'server_mac', 'server_port', 'transport', 'app'])
    .orderBy('last_seen')
    .orderBy('client_ip')
    .orderBy('client_mac')
    .orderBy('server_ip')
    .orderBy('server_mac')
    .orderBy('server_port')
    .orderBy('transport')
    .orderBy('app')
    .execute();
  for (const f of flows) {
    const event: LineguardEvent = {
      kind: 'flow.observed',
      client: endpoint(f.client_ip, f.client_mac),
      server: endpoint(f.server_ip, f.server_mac, f.server_port),
      transport: f.transport as FlowObserved['transport'],
      packets: [Number(f.c_packets), Number(f.s_packets)],
      bytes: [Number(f.c_bytes), Number(f.s_bytes)],
      first: f.first_seen,
      last: f.last_seen,
      source: '',
      ttl: [ttlFor(f.c_hops), ttlFor(f.s_hops)],
    };
    if (f.app) event.app = f.app;
    obs.emit(event);
  }

  const ops = await db
    .selectFrom('obs_ops')
    .select((eb) => [
      'client_ip',
      'client_mac',
      'server_ip',
      'server_mac',
      'protocol',
      'op',
      'code',
      eb.fn.sum<number>('n').as('n'),
      eb.fn.min('first_seen').as('first_seen'),
    ])
    .groupBy(['client_ip', 'client_mac', 'server_ip', 'server_mac', 'protocol', 'op', 'code'])
    .orderBy('first_seen')
    .orderBy('client_ip')
    .orderBy('client_mac')
    .orderBy('server_ip')
    .orderBy('server_mac')
    .orderBy('protocol')
    .orderBy('op')
    .orderBy('code')
    .execute();
  for (const o of ops) {
    obs.emit({
      kind: 'op.observed',
      client: endpoint(o.client_ip, o.client_mac),
      server: endpoint(o.server_ip, o.server_mac),
      protocol: o.protocol,
      op: o.op as OpKind,
      code: o.code,
      evidence: { source: '', ts: o.first_seen },
      count: Number(o.n),
    });
  }

  for (const c of counts.values()) {
    const ev = obs.nodes.get(c.node)?.facts.get(c.key)?.values.get(c.value);
    if (ev) ev.count = c.n;
  }
  obs.sources.clear();
  for (const s of await db.selectFrom('sources').select('name').orderBy('name').execute())
    obs.sources.add(s.name);
  return obs;
}
