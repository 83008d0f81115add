/** Small hand-made events for the store suite (the sample plant covers the realistic mix). */
import type { Endpoint, LineguardEvent, OpKind } from '../../events/types.js';

export function flow(
  source: string,
  client: Endpoint,
  server: Endpoint,
  o: { app?: string; first?: number; last?: number; packets?: [number, number]; ttl?: [number, number] } = {},
): LineguardEvent {
  const packets = o.packets ?? [4, 4];
  const e: LineguardEvent = {
    kind: 'flow.observed',
    client,
    server,
    transport: 'tcp',
    packets,
    bytes: [packets[0] * 100, packets[1] * 100],
    first: o.first ?? 1_000,
    last: o.last ?? 2_000,
    source,
    ttl: o.ttl ?? [64, 64],
  };
  if (o.app) e.app = o.app;
  return e;
}

export function sighting(
  source: string,
  at: Endpoint,
  protocol: string,
  facts: Record<string, string>,
  ts = 1_000,
  frame = 1,
): LineguardEvent {
  return { kind: 'asset.observed', at, protocol, facts, evidence: { source, ts, frame } };
}

export function op(
  source: string,
  client: Endpoint,
  server: Endpoint,
  protocol: string,
  kind: OpKind,
  code: string,
  o: { ts?: number; count?: number; ok?: boolean; target?: string } = {},
): LineguardEvent {
  const e: LineguardEvent = {
    kind: 'op.observed',
    client,
    server,
    protocol,
    op: kind,
    code,
    evidence: { source, ts: o.ts ?? 1_500 },
  };
  if (o.count !== undefined) {
    e.count = o.count;
    e.last = (o.ts ?? 1_500) + 100;
  }
  if (o.ok !== undefined) e.ok = o.ok;
  if (o.target !== undefined) e.target = o.target;
  return e;
}

/** The same events a fixed time later, from another evidence source (a later capture). */
export function later(events: readonly LineguardEvent[], source: string, shift: number): LineguardEvent[] {
  return events.map((e): LineguardEvent => {
    switch (e.kind) {
      case 'flow.observed':
        return { ...e, source, first: e.first + shift, last: e.last + shift };
      case 'op.observed': {
        const o = { ...e, evidence: { ...e.evidence, source, ts: e.evidence.ts + shift } };
        if (e.last !== undefined) o.last = e.last + shift;
        return o;
      }
      default:
        return { ...e, evidence: { ...e.evidence, source, ts: e.evidence.ts + shift } };
    }
  });
}
