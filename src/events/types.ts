/**
 * The event spine (DESIGN.md "One spine: typed events"). Every sensor and gateway speaks in
 * these shapes; inventory, graph and detections are state folded from them.
 *
 * Times are epoch milliseconds (fractional: microsecond precision survives, 1.7e12 ms × 1e3
 * stays far below 2^53). MACs are lower-case colon-separated; IPs are dotted/RFC 5952 text.
 */

export type Endpoint = { mac?: string; ip?: string; port?: number; vlan?: number };

/** Where a fact was seen: the sensor or capture id, the packet time, the 1-based frame number. */
export type Evidence = { source: string; ts: number; frame?: number };

export type OpKind = 'read' | 'write' | 'program' | 'control' | 'diagnostic' | 'identify' | 'other';

/** Identity facts a device disclosed about itself (or a name service disclosed about it). */
export type AssetFacts = Partial<{
  vendor: string;
  model: string;
  firmware: string;
  serial: string;
  name: string;
  roleHint: string;
  [k: string]: string;
}>;

export type AssetObserved = {
  kind: 'asset.observed';
  at: Endpoint;
  protocol: string;
  facts: AssetFacts;
  evidence: Evidence;
};

export type FlowObserved = {
  kind: 'flow.observed';
  client: Endpoint;
  server: Endpoint;
  transport: 'tcp' | 'udp' | 'icmp' | 'l2' | 'ip';
  /** Application protocol: an analyzer's name, or absent when nothing recognised it. */
  app?: string;
  /** [client→server, server→client] */
  packets: [number, number];
  bytes: [number, number];
  first: number;
  last: number;
  source: string;
  /** TCP only: how the connection was seen to end or stand when the flow was closed. */
  tcpState?: 'syn' | 'established' | 'closed' | 'reset' | 'midstream';
  /**
   * IP flows: the highest TTL (hop limit) each side sent with, 0 when it sent nothing. Below
   * a common initial value (64, 128, 255) it counts the routers between that side and the
   * sensor: 0 hops means the MAC on its frames is its own.
   */
  ttl?: [number, number];
  /** Bytes the reassembler could not deliver (holes never filled), per direction. */
  gaps?: [number, number];
};

export type OpObserved = {
  kind: 'op.observed';
  client: Endpoint;
  server: Endpoint;
  protocol: string;
  op: OpKind;
  /** The raw function code or service, as the protocol names it (e.g. "3", "0x4c"). */
  code: string;
  target?: string;
  ok?: boolean;
  evidence: Evidence;
  /**
   * A summary of repeats: this event stands for `count` identical operations (same kind,
   * code, target and verdict) from `evidence.ts` to `last`. Absent: one operation. The first
   * of each kind on a flow is always its own event.
   */
  count?: number;
  last?: number;
};

/** Malformed or abusive traffic: data, never an exception (DESIGN.md "Anomalies are data"). */
export type AnomalyObserved = {
  kind: 'anomaly.observed';
  protocol: string;
  /** e.g. `dns.truncated`, `tcp.buffer_cap`, `ipv4.fragment_overlap` */
  code: string;
  detail?: string;
  client?: Endpoint;
  server?: Endpoint;
  evidence: Evidence;
};

export type LineguardEvent = AssetObserved | FlowObserved | OpObserved | AnomalyObserved;
export type EventKind = LineguardEvent['kind'];

export interface EventSink {
  emit(event: LineguardEvent): void;
}
