/**
 * Folds one batch of events into observation rows, in memory, before they are written: a
 * poll repeated a thousand times becomes one row. A row's identity includes its evidence
 * source, so re-ingesting a capture rewrites its own rows and a later capture adds its own.
 * What identity resolution needs survives the fold: both addresses of every endpoint, per
 * side whether it sent, the fewest router hops, bindings' protocols, first/last/count.
 */
import { hash } from 'node:crypto';
import type { AssetObserved, Endpoint, FlowObserved, LineguardEvent, OpObserved } from '../events/types.js';
import { hopsFromTtl } from '../inventory/observations.js';

export interface FoldedFact {
  source: string;
  ip: string;
  mac: string;
  protocol: string;
  key: string;
  value: string;
  first: number;
  last: number;
  n: number;
  frame: number | null;
}

/** Where a flow or an operation was seen: its evidence source and both endpoints. */
export interface FoldedPair {
  source: string;
  clientIp: string;
  clientMac: string;
  clientKey: string;
  serverIp: string;
  serverMac: string;
  serverKey: string;
}

export interface FoldedFlow extends FoldedPair {
  serverPort: number;
  transport: string;
  app: string;
  flows: number;
  packets: [number, number];
  bytes: [number, number];
  first: number;
  last: number;
  hops: [number, number];
}

export interface FoldedOp extends FoldedPair {
  protocol: string;
  op: string;
  code: string;
  target: string;
  n: number;
  failed: number;
  first: number;
  last: number;
}

/** The address an endpoint is known by, as the inventory's fold names it: its IP, else its MAC. */
export function endpointKey(at: Endpoint): string | undefined {
  if (at.ip) return `ip:${at.ip}`;
  if (at.mac) return `mac:${at.mac}`;
  return undefined;
}

/**
 * PostgreSQL text cannot hold NUL; packets can. Both databases get the same replacement, and
 * with no NUL left in any part, NUL separates the parts of a row's identity unambiguously.
 */
function text(s: string | undefined): string {
  if (s === undefined) return '';
  return s.includes('\0') ? s.replaceAll('\0', '\uFFFD') : s;
}

/** An endpoint's addresses as stored ('' when absent) and the address it is known by. */
interface Side {
  ip: string;
  mac: string;
  key: string | undefined;
}

function side(at: Endpoint): Side {
  const ip = text(at.ip);
  const mac = text(at.mac);
  return { ip, mac, key: ip ? `ip:${ip}` : mac ? `mac:${mac}` : undefined };
}

/** Both endpoints of a flow or an operation, or undefined when either has no address. */
function pairOf(source: string, client: Endpoint, server: Endpoint): FoldedPair | undefined {
  const c = side(client);
  const sv = side(server);
  if (!c.key || !sv.key) return undefined;
  return {
    source,
    clientIp: c.ip,
    clientMac: c.mac,
    clientKey: c.key,
    serverIp: sv.ip,
    serverMac: sv.mac,
    serverKey: sv.key,
  };
}

/** The part of a flow's or an operation's identity that says where it was seen. */
function pairId(p: FoldedPair): string {
  return `${p.source}\0${p.clientIp}\0${p.clientMac}\0${p.serverIp}\0${p.serverMac}`;
}

/** The row key stored in the database: 128 bits of SHA-256 over the row's identity. */
export function rowKey(id: string): Buffer {
  return hash('sha256', id, 'buffer').subarray(0, 16);
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const str = (v: unknown): v is string => typeof v === 'string';

function pair(v: unknown): boolean {
  return Array.isArray(v) && v.length === 2 && finite(v[0]) && finite(v[1]) && v[0] >= 0 && v[1] >= 0;
}

function place(at: unknown): boolean {
  if (typeof at !== 'object' || at === null) return false;
  const e = at as Endpoint;
  return (e.ip === undefined || str(e.ip)) && (e.mac === undefined || str(e.mac));
}

/**
 * What is wrong with an event the store cannot fold, or undefined. Events come from our own
 * analyzers, but also from files and remote sensors: a NaN time or a missing source would
 * otherwise reach the database (where SQLite and PostgreSQL would not even agree about it).
 */
export function eventProblem(e: LineguardEvent): string | undefined {
  if (typeof e !== 'object' || e === null) return 'not an event';
  switch (e.kind) {
    case 'flow.observed':
      if (!str(e.source)) return 'source is not a string';
      if (!place(e.client) || !place(e.server)) return 'client or server is not an endpoint';
      if (!str(e.transport)) return 'transport is not a string';
      if (e.app !== undefined && !str(e.app)) return 'app is not a string';
      if (!finite(e.first) || !finite(e.last)) return 'first or last is not a finite time';
      if (!pair(e.packets) || !pair(e.bytes)) return 'packets or bytes is not a pair of counts';
      if (e.ttl !== undefined && !pair(e.ttl)) return 'ttl is not a pair of numbers';
      if (e.server.port !== undefined && !Number.isInteger(e.server.port))
        return 'server port is not an integer';
      return undefined;
    case 'op.observed':
      if (!str(e.evidence?.source) || !finite(e.evidence.ts))
        return 'evidence needs a source and a finite ts';
      if (!place(e.client) || !place(e.server)) return 'client or server is not an endpoint';
      if (!str(e.protocol) || !str(e.op) || !str(e.code)) return 'protocol, op and code must be strings';
      if (e.target !== undefined && !str(e.target)) return 'target is not a string';
      if (e.count !== undefined && !(Number.isInteger(e.count) && e.count > 0))
        return 'count is not a positive integer';
      if (e.last !== undefined && !finite(e.last)) return 'last is not a finite time';
      return undefined;
    case 'asset.observed':
      if (!str(e.evidence?.source) || !finite(e.evidence.ts))
        return 'evidence needs a source and a finite ts';
      if (e.evidence.frame !== undefined && !Number.isInteger(e.evidence.frame))
        return 'frame is not an integer';
      if (!place(e.at)) return 'at is not an endpoint';
      if (!str(e.protocol)) return 'protocol is not a string';
      if (typeof e.facts !== 'object' || e.facts === null) return 'facts is not an object';
      for (const v of Object.values(e.facts))
        if (v !== undefined && !str(v)) return 'a fact value is not a string';
      return undefined;
    default:
      return undefined;
  }
}

function minHops(a: number, b: number): number {
  if (a < 0) return b;
  if (b < 0) return a;
  return Math.min(a, b);
}

export class BatchFold {
  events = 0;
  readonly facts = new Map<string, FoldedFact>();
  readonly flows = new Map<string, FoldedFlow>();
  readonly ops = new Map<string, FoldedOp>();
  /** Addresses in order of first appearance, with the earliest time each was seen. */
  readonly endpoints = new Map<string, number>();
  readonly sources = new Set<string>();

  add(e: LineguardEvent): void {
    this.events++;
    switch (e.kind) {
      case 'flow.observed':
        this.flow(e);
        break;
      case 'op.observed':
        this.op(e);
        break;
      case 'asset.observed':
        this.asset(e);
        break;
      default:
        break;
    }
  }

  get rows(): number {
    return this.facts.size + this.flows.size + this.ops.size;
  }

  clear(): void {
    this.events = 0;
    this.facts.clear();
    this.flows.clear();
    this.ops.clear();
    this.endpoints.clear();
    this.sources.clear();
  }

  private seen(key: string, ts: number): void {
    const t = this.endpoints.get(key);
    if (t === undefined || ts < t) this.endpoints.set(key, ts);
  }

  private flow(e: FlowObserved): void {
    const source = text(e.source);
    this.sources.add(source);
    const p = pairOf(source, e.client, e.server);
    if (!p) return;
    this.seen(p.clientKey, e.first);
    this.seen(p.serverKey, e.first);
    const serverPort = e.server.port ?? -1;
    const transport = text(e.transport);
    const app = text(e.app);
    const id = `flow\0${pairId(p)}\0${serverPort}\0${transport}\0${app}`;
    const hops: [number, number] = [hopsFromTtl(e.ttl?.[0] ?? 0), hopsFromTtl(e.ttl?.[1] ?? 0)];
    const row = this.flows.get(id);
    if (!row) {
      this.flows.set(id, {
        ...p,
        serverPort,
        transport,
        app,
        flows: 1,
        packets: [e.packets[0], e.packets[1]],
        bytes: [e.bytes[0], e.bytes[1]],
        first: e.first,
        last: e.last,
        hops,
      });
      return;
    }
    row.flows++;
    row.packets[0] += e.packets[0];
    row.packets[1] += e.packets[1];
    row.bytes[0] += e.bytes[0];
    row.bytes[1] += e.bytes[1];
    if (e.first < row.first) row.first = e.first;
    if (e.last > row.last) row.last = e.last;
    row.hops[0] = minHops(row.hops[0], hops[0]);
    row.hops[1] = minHops(row.hops[1], hops[1]);
  }

  private op(e: OpObserved): void {
    const source = text(e.evidence.source);
    const p = pairOf(source, e.client, e.server);
    if (!p) return;
    const ts = e.evidence.ts;
    this.seen(p.clientKey, ts);
    this.seen(p.serverKey, ts);
    this.sources.add(source);
    const protocol = text(e.protocol);
    const kind = text(e.op);
    const code = text(e.code);
    const target = text(e.target);
    const id = `op\0${pairId(p)}\0${protocol}\0${kind}\0${code}\0${target}`;
    const n = e.count ?? 1;
    const failed = e.ok === false ? n : 0;
    const last = e.last ?? ts;
    const row = this.ops.get(id);
    if (!row) {
      this.ops.set(id, {
        ...p,
        protocol,
        op: kind,
        code,
        target,
        n,
        failed,
        first: ts,
        last,
      });
      return;
    }
    row.n += n;
    row.failed += failed;
    if (ts < row.first) row.first = ts;
    if (last > row.last) row.last = last;
  }

  private asset(e: AssetObserved): void {
    const source = text(e.evidence.source);
    this.sources.add(source);
    const { ip, mac, key } = side(e.at);
    if (!key) return;
    const ts = e.evidence.ts;
    this.seen(key, ts);
    const protocol = text(e.protocol);
    const frame = e.evidence.frame ?? null;
    // Each fact disclosed; a sighting that disclosed none still binds, speaks and is active.
    let disclosed = 0;
    for (const [k, v] of Object.entries(e.facts)) {
      if (v === undefined || v === '') continue;
      this.fact(source, ip, mac, protocol, text(k), text(v), ts, frame);
      disclosed++;
    }
    if (disclosed === 0) this.fact(source, ip, mac, protocol, '', '', ts, frame);
  }

  private fact(
    source: string,
    ip: string,
    mac: string,
    protocol: string,
    key: string,
    value: string,
    ts: number,
    frame: number | null,
  ): void {
    const id = `fact\0${source}\0${ip}\0${mac}\0${protocol}\0${key}\0${value}`;
    const row = this.facts.get(id);
    if (!row) {
      this.facts.set(id, { source, ip, mac, protocol, key, value, first: ts, last: ts, n: 1, frame });
      return;
    }
    row.n++;
    if (ts < row.first) row.first = ts;
    if (ts >= row.last) {
      row.last = ts;
      if (frame !== null) row.frame = frame;
    }
  }
}
