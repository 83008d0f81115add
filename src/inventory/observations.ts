/**
 * Folds the event stream into per-address observations: what each IP and MAC disclosed,
 * which protocols it served or used, who it talked to and with which operations. Identity
 * resolution (`resolve.ts`) turns these into assets afterwards, so the fold stays cheap and
 * order-independent. Bounded: addresses, facts per address and codes per pair are capped.
 */
import type {
  AssetObserved,
  Endpoint,
  EventSink,
  FlowObserved,
  LineguardEvent,
  OpKind,
  OpObserved,
} from '../events/types.js';
import type { FactEvidence, OpCounts } from './types.js';

export const MAX_NODES = 200_000;
const MAX_FACTS_PER_NODE = 256;
const MAX_VALUES_PER_FACT = 16;
const MAX_CODES_PER_PAIR = 32;

/** An address: `ip:10.0.0.1` or `mac:00:1b:1b:00:00:01`. */
export type NodeKey = string;

export interface FactValues {
  /** Value → evidence; several values for one key are kept (names, changing firmware). */
  values: Map<string, FactEvidence>;
}

export interface Use {
  server: boolean;
  client: boolean;
  ports: Set<number>;
  first: number;
  last: number;
}

export interface Node {
  key: NodeKey;
  facts: Map<string, FactValues>;
  protocols: Map<string, Use>;
  /** For IPs: the MACs its frames carried, and the fewest router hops seen behind each. */
  macs: Map<string, MacSighting>;
  /** Sent anything (a flow's client, or a server that answered, or a fact about itself). */
  active: boolean;
  opsSent: OpCounts;
  opsReceived: OpCounts;
  first: number;
  last: number;
}

export interface MacSighting {
  flows: number;
  /** When frames from the IP carried this MAC: the span a router's MAC, which has no node, is given. */
  first: number;
  last: number;
  /** Fewest routers between the IP and the sensor when its frames carried this MAC; -1 unknown. */
  hops: number;
}

/** Routers between a sender and the sensor, from the TTL it arrived with; -1 when it sent nothing. */
export function hopsFromTtl(ttl: number): number {
  if (ttl <= 0) return -1;
  // Stacks start at 30 (Siemens S7-300/400 and other embedded stacks), 32, 64, 128 or 255.
  const initial = ttl <= 30 ? 30 : ttl <= 32 ? 32 : ttl <= 64 ? 64 : ttl <= 128 ? 128 : 255;
  return initial - ttl;
}

export interface Pair {
  client: NodeKey;
  server: NodeKey;
  protocols: Set<string>;
  packets: number;
  bytes: number;
  ops: OpCounts;
  codes: Set<string>;
}

/** An IP bound to a MAC by a protocol that says so for the local link (ARP, DHCP...). */
export interface Binding {
  ip: string;
  mac: string;
  protocol: string;
  last: number;
}

type OpPairHit = { client: Endpoint; server: Endpoint; pair: Pair; protocol: string; lastCode: string };

const BINDING_PROTOCOLS = new Set(['arp', 'dhcp', 'dhcpv6', 'nbns', 'profinet_dcp']);

function isGroupMac(mac: string): boolean {
  return (Number.parseInt(mac.slice(0, 2), 16) & 1) === 1;
}

export class Observations implements EventSink {
  readonly nodes = new Map<NodeKey, Node>();
  readonly pairs = new Map<string, Pair>();
  readonly bindings = new Map<string, Binding>();
  readonly sources = new Set<string>();
  /** Observations dropped because the node cap was reached. */
  dropped = 0;
  /** Operations reuse their flow's endpoint objects: remember the pair per client object. */
  private readonly pairByEndpoint = new WeakMap<Endpoint, OpPairHit>();
  private lastOp: OpPairHit | null = null;

  emit(e: LineguardEvent): void {
    switch (e.kind) {
      case 'op.observed':
        this.op(e);
        break;
      case 'flow.observed':
        this.flow(e);
        break;
      case 'asset.observed':
        this.asset(e);
        break;
      default:
        break;
    }
  }

  node(key: NodeKey, ts: number): Node | undefined {
    let n = this.nodes.get(key);
    if (!n) {
      if (this.nodes.size >= MAX_NODES) {
        this.dropped++;
        return undefined;
      }
      n = {
        key,
        facts: new Map(),
        protocols: new Map(),
        macs: new Map(),
        active: false,
        opsSent: {},
        opsReceived: {},
        first: ts,
        last: ts,
      };
      this.nodes.set(key, n);
    }
    if (ts < n.first) n.first = ts;
    if (ts > n.last) n.last = ts;
    return n;
  }

  /** The address an endpoint is known by: its IP, else its MAC. */
  private keyOf(at: Endpoint): NodeKey | undefined {
    if (at.ip) return `ip:${at.ip}`;
    if (at.mac) return `mac:${at.mac}`;
    return undefined;
  }

  private flow(e: FlowObserved): void {
    this.sources.add(e.source);
    const ck = this.keyOf(e.client);
    const sk = this.keyOf(e.server);
    if (!ck || !sk) return;
    const c = this.node(ck, e.first);
    const s = this.node(sk, e.first);
    if (!c || !s) return;
    if (e.last > c.last) c.last = e.last;
    if (e.last > s.last) s.last = e.last;
    if (e.packets[0] > 0) c.active = true;
    if (e.packets[1] > 0) s.active = true;
    if (e.client.ip && e.client.mac)
      sighting(c.macs, e.client.mac, hopsFromTtl(e.ttl?.[0] ?? 0), e.first, e.last);
    if (e.server.ip && e.server.mac)
      sighting(s.macs, e.server.mac, hopsFromTtl(e.ttl?.[1] ?? 0), e.first, e.last);
    // Unrecognised conversations still say who talks to whom: `tcp/3389`.
    const app =
      e.app ??
      (e.transport === 'tcp' || e.transport === 'udp' ? `${e.transport}/${e.server.port}` : undefined);
    if (app && e.transport === 'l2') {
      // Layer-2 protocols have talkers, not servers.
      use(c, app, e.first, e.last, false, undefined, true);
      if (e.packets[1] > 0) use(s, app, e.first, e.last, false, undefined, true);
    } else if (app) {
      use(s, app, e.first, e.last, true, e.server.port);
      use(c, app, e.first, e.last, false, undefined);
    }
    const pair = this.pair(ck, sk);
    if (app) pair.protocols.add(app);
    pair.packets += e.packets[0] + e.packets[1];
    pair.bytes += e.bytes[0] + e.bytes[1];
  }

  private pair(ck: NodeKey, sk: NodeKey): Pair {
    const id = `${ck}>${sk}`;
    let p = this.pairs.get(id);
    if (!p) {
      p = { client: ck, server: sk, protocols: new Set(), packets: 0, bytes: 0, ops: {}, codes: new Set() };
      this.pairs.set(id, p);
    }
    return p;
  }

  /**
   * The busiest path (one call per industrial operation): a one-entry cache on the flow's
   * shared endpoint objects, then a WeakMap; counting by a switch on the kind; and a code is
   * only recorded when it differs from the pair's previous one (polls repeat one code).
   */
  private op(e: OpObserved): void {
    let hit = this.lastOp;
    if (hit === null || hit.client !== e.client || hit.server !== e.server || hit.protocol !== e.protocol) {
      hit = this.pairByEndpoint.get(e.client) ?? null;
      if (hit === null || hit.server !== e.server || hit.protocol !== e.protocol) {
        const ck = this.keyOf(e.client);
        const sk = this.keyOf(e.server);
        if (!ck || !sk) return;
        if (!this.node(ck, e.evidence.ts) || !this.node(sk, e.evidence.ts)) return;
        hit = {
          client: e.client,
          server: e.server,
          pair: this.pair(ck, sk),
          protocol: e.protocol,
          lastCode: '',
        };
        hit.pair.protocols.add(e.protocol);
        this.pairByEndpoint.set(e.client, hit);
      }
      this.lastOp = hit;
    }
    const ops = hit.pair.ops;
    const n = e.count ?? 1;
    switch (e.op) {
      case 'read':
        ops.read = (ops.read ?? 0) + n;
        break;
      case 'write':
        ops.write = (ops.write ?? 0) + n;
        break;
      case 'program':
        ops.program = (ops.program ?? 0) + n;
        break;
      case 'control':
        ops.control = (ops.control ?? 0) + n;
        break;
      case 'diagnostic':
        ops.diagnostic = (ops.diagnostic ?? 0) + n;
        break;
      case 'identify':
        ops.identify = (ops.identify ?? 0) + n;
        break;
      default:
        ops.other = (ops.other ?? 0) + n;
    }
    if (e.code !== hit.lastCode) {
      hit.lastCode = e.code;
      const codes = hit.pair.codes;
      if (codes.size < MAX_CODES_PER_PAIR) codes.add(`${e.protocol}:${e.code}`);
    }
  }

  private asset(e: AssetObserved): void {
    this.sources.add(e.evidence.source);
    const key = this.keyOf(e.at);
    if (!key) return;
    if (e.at.mac && isGroupMac(e.at.mac) && !e.at.ip) return;
    const n = this.node(key, e.evidence.ts);
    if (!n) return;
    n.active = true;
    if (e.at.ip && e.at.mac && !isGroupMac(e.at.mac)) {
      // An analyzer put this MAC with this IP only when the frame came from it: zero hops.
      sighting(n.macs, e.at.mac, 0, e.evidence.ts, e.evidence.ts);
      if (BINDING_PROTOCOLS.has(e.protocol)) {
        const id = `${e.at.ip}|${e.at.mac}`;
        const b = this.bindings.get(id);
        if (b) b.last = Math.max(b.last, e.evidence.ts);
        else this.bindings.set(id, { ip: e.at.ip, mac: e.at.mac, protocol: e.protocol, last: e.evidence.ts });
      }
    }
    for (const [k, v] of Object.entries(e.facts)) {
      if (v === undefined || v === '') continue;
      let f = n.facts.get(k);
      if (!f) {
        if (n.facts.size >= MAX_FACTS_PER_NODE) continue;
        f = { values: new Map() };
        n.facts.set(k, f);
      }
      const ev = f.values.get(v);
      if (ev) {
        ev.count++;
        if (e.evidence.ts < ev.first) ev.first = e.evidence.ts;
        if (e.evidence.ts >= ev.last) {
          ev.last = e.evidence.ts;
          if (e.evidence.frame !== undefined) ev.frame = e.evidence.frame;
        }
      } else if (f.values.size < MAX_VALUES_PER_FACT) {
        const fresh: FactEvidence = {
          protocol: e.protocol,
          source: e.evidence.source,
          first: e.evidence.ts,
          last: e.evidence.ts,
          count: 1,
        };
        if (e.evidence.frame !== undefined) fresh.frame = e.evidence.frame;
        f.values.set(v, fresh);
      }
    }
    // Serving a protocol is also what an identity reply says (an I-Am, a ListIdentity).
    use(n, e.protocol, e.evidence.ts, e.evidence.ts, false, undefined, true);
  }

  /** Ops per node, for role inference: folded from the pairs once, at resolution. */
  opsByNode(): void {
    for (const p of this.pairs.values()) {
      const c = this.nodes.get(p.client);
      const s = this.nodes.get(p.server);
      for (const [k, v] of Object.entries(p.ops) as [OpKind, number][]) {
        if (c) c.opsSent[k] = (c.opsSent[k] ?? 0) + v;
        if (s) s.opsReceived[k] = (s.opsReceived[k] ?? 0) + v;
      }
    }
  }
}

function sighting(m: Map<string, MacSighting>, mac: string, hops: number, first: number, last: number): void {
  const s = m.get(mac);
  if (!s) m.set(mac, { flows: 1, hops, first, last });
  else {
    s.flows++;
    if (hops >= 0 && (s.hops < 0 || hops < s.hops)) s.hops = hops;
    if (first < s.first) s.first = first;
    if (last > s.last) s.last = last;
  }
}

function use(
  n: Node,
  protocol: string,
  first: number,
  last: number,
  server: boolean,
  port: number | undefined,
  spoke = false,
): void {
  let u = n.protocols.get(protocol);
  if (!u) {
    u = { server: false, client: false, ports: new Set(), first, last };
    n.protocols.set(protocol, u);
  }
  if (server) u.server = true;
  else if (!spoke) u.client = true;
  if (port !== undefined) u.ports.add(port);
  if (first < u.first) u.first = first;
  if (last > u.last) u.last = last;
}
