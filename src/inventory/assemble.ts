/**
 * Builds the inventory: one asset per resolved group of addresses, with its identity (the
 * devices' own statements first, the MAC registry as a fallback), every fact with its
 * evidence, protocols, peers with operations, role and Purdue level.
 */

import type { OpKind } from '../events/types.js';
import { assetIdText, assetLabel } from './label.js';
import type { Node, NodeKey, Observations } from './observations.js';
import { loadOui, macVendor } from './oui.js';
import { normaliseName, resolve } from './resolve.js';
import { inferPurdue, inferRole } from './roles.js';
import type { Asset, Fact, FactEvidence, Inventory, OpCounts, Peer, ProtocolUse } from './types.js';

/** Fact keys that name a device, in order of trust. */
const NAME_KEYS = [
  'name',
  'lldp.system_name',
  'cdp.device_id',
  'profinet_dcp.name_of_station',
  's7comm.plc_name',
  'dhcp.hostname',
  'nbns.name',
];
const MAX_CODES = 16;
const AS_CLIENT = 1;
const AS_SERVER = 2;

function latest(nodes: Node[], key: string): { value: string; ev: FactEvidence } | undefined {
  let best: { value: string; ev: FactEvidence } | undefined;
  for (const n of nodes) {
    const f = n.facts.get(key);
    if (!f) continue;
    for (const [value, ev] of f.values) if (!best || ev.last > best.ev.last) best = { value, ev };
  }
  return best;
}

function addOps(into: OpCounts, from: OpCounts): void {
  for (const [k, v] of Object.entries(from) as [OpKind, number][]) into[k] = (into[k] ?? 0) + v;
}

function byAddress(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  if (pa.length === 4 && pb.length === 4) {
    for (let i = 0; i < 4; i++) if (pa[i] !== pb[i]) return pa[i]! - pb[i]!;
    return 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** When each MAC was on the wire, over every IP whose frames carried it. */
function macSpans(obs: Observations): Map<string, { first: number; last: number }> {
  const spans = new Map<string, { first: number; last: number }>();
  for (const n of obs.nodes.values()) {
    for (const [mac, s] of n.macs) {
      const span = spans.get(mac);
      if (!span) spans.set(mac, { first: s.first, last: s.last });
      else {
        if (s.first < span.first) span.first = s.first;
        if (s.last > span.last) span.last = s.last;
      }
    }
  }
  return spans;
}

export async function buildInventory(obs: Observations): Promise<Inventory> {
  await loadOui();
  obs.opsByNode();
  const { groups, routerMacs } = resolve(obs);
  const groupOf = new Map<NodeKey, NodeKey>();
  for (const [root, keys] of groups) for (const k of keys) groupOf.set(k, root);
  // Root key → asset id (the root is a MAC when the device has a local one: stable ids).
  const idOf = (root: NodeKey) => root;

  const peersByRoot = new Map<NodeKey, Map<NodeKey, Peer>>();
  const icsServers = new Map<NodeKey, Set<NodeKey>>();
  const sides = new Map<Peer, number>();
  const peer = (root: NodeKey, other: NodeKey): Peer => {
    let m = peersByRoot.get(root);
    if (!m) {
      m = new Map();
      peersByRoot.set(root, m);
    }
    let p = m.get(other);
    if (!p) {
      p = {
        asset: idOf(other),
        // Named once every asset is built (below).
        name: '',
        as: 'client',
        protocols: [],
        packets: 0,
        bytes: 0,
        opsSent: {},
        opsReceived: {},
        codes: [],
      };
      m.set(other, p);
    }
    return p;
  };
  for (const pair of obs.pairs.values()) {
    const c = groupOf.get(pair.client);
    const s = groupOf.get(pair.server);
    if (!c || !s || c === s) continue;
    const cp = peer(c, s);
    const sp = peer(s, c);
    sides.set(cp, (sides.get(cp) ?? 0) | AS_CLIENT);
    sides.set(sp, (sides.get(sp) ?? 0) | AS_SERVER);
    for (const p of [cp, sp]) {
      for (const proto of pair.protocols) if (!p.protocols.includes(proto)) p.protocols.push(proto);
      p.packets += pair.packets;
      p.bytes += pair.bytes;
      for (const code of pair.codes) if (!p.codes.includes(code)) p.codes.push(code);
    }
    addOps(cp.opsSent, pair.ops);
    addOps(sp.opsReceived, pair.ops);
    if (Object.keys(pair.ops).length > 0 || pair.protocols.size > 0) {
      const set = icsServers.get(c) ?? new Set();
      set.add(s);
      icsServers.set(c, set);
    }
  }

  // Sorted, and capped only then: the inventory depends on what was observed, not on the order
  // the events came in (a parallel analysis delivers them interleaved).
  for (const [p, side] of sides) {
    p.as = side === (AS_CLIENT | AS_SERVER) ? 'both' : side === AS_CLIENT ? 'client' : 'server';
    p.protocols.sort();
    p.codes = p.codes.sort().slice(0, MAX_CODES);
  }

  const assets: Asset[] = [];
  let spans: Map<string, { first: number; last: number }> | undefined;
  for (const [root, keys] of groups) {
    // A MAC known only as an IP's local MAC has no observations of its own.
    const nodes = keys.flatMap((k) => obs.nodes.get(k) ?? []);
    const ips = keys
      .filter((k) => k.startsWith('ip:'))
      .map((k) => k.slice(3))
      .sort(byAddress);
    const macs = keys
      .filter((k) => k.startsWith('mac:'))
      .map((k) => k.slice(4))
      .sort();
    const facts: Fact[] = [];
    for (const n of nodes) {
      for (const [key, f] of n.facts)
        for (const [value, evidence] of f.values) facts.push({ key, value, evidence });
    }
    let first = Math.min(...nodes.map((n) => n.first));
    let last = Math.max(...nodes.map((n) => n.last));
    if (nodes.length === 0) {
      // A router's MAC on other hosts' frames: it was on the wire when they were.
      spans ??= macSpans(obs);
      for (const mac of macs) {
        const span = spans.get(mac);
        if (span && span.first < first) first = span.first;
        if (span && span.last > last) last = span.last;
      }
    }
    for (const mac of macs) {
      const vendor = macVendor(mac);
      if (vendor) {
        facts.push({
          key: 'mac_vendor',
          value: vendor,
          evidence: { protocol: 'oui', source: 'IEEE registry', first, last, count: 1 },
        });
      }
    }
    facts.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.evidence.first - b.evidence.first));

    const names: string[] = [];
    const seenNames = new Set<string>();
    for (const key of NAME_KEYS) {
      for (const f of facts) {
        if (f.key !== key) continue;
        const norm = normaliseName(f.value);
        if (!norm || seenNames.has(norm)) continue;
        seenNames.add(norm);
        names.push(f.value.replace(/<[0-9a-f]{2}>.*$/i, '').trim());
      }
    }

    const protocols = new Map<string, ProtocolUse>();
    for (const n of nodes) {
      for (const [name, u] of n.protocols) {
        const p = protocols.get(name) ?? {
          name,
          ports: [],
          server: false,
          client: false,
          first: u.first,
          last: u.last,
        };
        p.server ||= u.server;
        p.client ||= u.client;
        for (const port of u.ports) if (!p.ports.includes(port)) p.ports.push(port);
        p.first = Math.min(p.first, u.first);
        p.last = Math.max(p.last, u.last);
        protocols.set(name, p);
      }
    }
    const protocolList = [...protocols.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const p of protocolList) p.ports.sort((a, b) => a - b);

    const opsSent: OpCounts = {};
    for (const n of nodes) addOps(opsSent, n.opsSent);
    const hints = facts
      .filter((f) => f.key === 'roleHint')
      .map((f) => ({ value: f.value, protocol: f.evidence.protocol }));
    const role = inferRole({
      hints,
      served: protocolList.filter((p) => p.server).map((p) => p.name),
      used: protocolList.filter((p) => p.client).map((p) => p.name),
      opsSent,
      icsServers: icsServers.get(root)?.size ?? 0,
      routesForOthers: macs.some((m) => routerMacs.has(m)),
      dhcpClient: facts.some((f) => f.key === 'dhcp.hostname' || f.key === 'dhcp.fingerprint'),
      names,
    });
    const vendor = latest(nodes, 'vendor')?.value ?? facts.find((f) => f.key === 'mac_vendor')?.value;
    const asset: Asset = {
      id: idOf(root),
      ips,
      macs,
      names,
      role,
      purdue: inferPurdue(role),
      protocols: protocolList,
      peers: [...(peersByRoot.get(root)?.values() ?? [])].sort(
        (a, b) => b.packets - a.packets || (a.asset < b.asset ? -1 : a.asset > b.asset ? 1 : 0),
      ),
      facts,
      first,
      last,
    };
    if (vendor) asset.vendor = vendor;
    const model = latest(nodes, 'model')?.value;
    if (model) asset.model = model;
    const firmware = latest(nodes, 'firmware')?.value;
    if (firmware) asset.firmware = firmware;
    const serial = latest(nodes, 'serial')?.value;
    if (serial) asset.serial = serial;
    assets.push(asset);
  }
  const labels = new Map(assets.map((a) => [a.id, assetLabel(a)]));
  for (const a of assets) for (const p of a.peers) p.name = labels.get(p.asset) ?? assetIdText(p.asset);
  assets.sort(
    (a, b) =>
      (a.purdue.level ?? 9) - (b.purdue.level ?? 9) ||
      byAddress(a.ips[0] ?? `~${a.macs[0] ?? ''}`, b.ips[0] ?? `~${b.macs[0] ?? ''}`),
  );
  return { generatedAt: new Date().toISOString(), sources: [...obs.sources].sort(), assets };
}
