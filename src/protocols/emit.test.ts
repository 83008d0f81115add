/** The per-flow emitter: repeats quiet, changes re-emitted, `multi` values kept apart, memo and anomaly caps. */
import { describe, expect, it } from 'vitest';
import type { AnomalyObserved, AssetObserved, Endpoint, LineguardEvent } from '../events/types.js';
import { FlowEmitter, MAX_ANOMALIES, MEMO_CAP } from './emit.js';

/** An emitter over a fake context that records what reaches the engine. */
function emitter() {
  const events: LineguardEvent[] = [];
  const anomalies: [string, string | undefined][] = [];
  let ts = 0;
  const out = new FlowEmitter(
    {
      emit: (e) => events.push(e),
      evidence: () => ({ source: 'unit', ts: ++ts }),
      anomaly: (code, detail) => anomalies.push([code, detail]),
    },
    'test',
  );
  const assets = () => events.filter((e): e is AssetObserved => e.kind === 'asset.observed');
  const facts = () => assets().map((e) => [e.at, e.facts]);
  return { out, events, anomalies, assets, facts };
}

const plc: Endpoint = { mac: '00:1d:9c:c8:03:e7', ip: '10.0.0.10' };

describe('FlowEmitter.asset', () => {
  it('emits asset.observed with the protocol, the facts and evidence for the current packet', () => {
    const { out, events } = emitter();
    out.asset(plc, { name: 'plc-1' });
    expect(events).toEqual([
      {
        kind: 'asset.observed',
        at: plc,
        protocol: 'test',
        facts: { name: 'plc-1' },
        evidence: { source: 'unit', ts: 1 },
      },
    ]);
  });

  it('copies the endpoint, so a caller may reuse or change its own', () => {
    const { out, assets } = emitter();
    const me: Endpoint = { ...plc };
    out.asset(me, { name: 'plc-1' });
    me.vlan = 7;
    expect(assets()[0]!.at).toEqual(plc);
    expect(assets()[0]!.at).not.toBe(me);
  });

  it('stays quiet on a repeated fact set and emits a changed value again', () => {
    const { out, facts } = emitter();
    out.asset(plc, { name: 'plc-1', vendor: 'Rockwell' });
    out.asset(plc, { name: 'plc-1', vendor: 'Rockwell' });
    out.asset(plc, { name: 'plc-2', vendor: 'Rockwell' });
    out.asset(plc, { name: 'plc-1', vendor: 'Rockwell' });
    expect(facts()).toEqual([
      [plc, { name: 'plc-1', vendor: 'Rockwell' }],
      [plc, { name: 'plc-2', vendor: 'Rockwell' }],
      [plc, { name: 'plc-1', vendor: 'Rockwell' }],
    ]);
  });

  it('remembers each key set of a subject apart, and each subject (MAC, IP, VLAN) apart', () => {
    const { out, facts } = emitter();
    out.asset(plc, { name: 'plc-1' });
    out.asset(plc, { roleHint: 'plc' });
    out.asset(plc, { name: 'plc-1' });
    out.asset({ ip: plc.ip }, { name: 'plc-1' });
    out.asset({ ...plc, vlan: 10 }, { name: 'plc-1' });
    out.asset({ mac: plc.mac }, { name: 'plc-1' });
    out.asset(plc, {});
    out.asset(plc, {});
    expect(facts()).toEqual([
      [plc, { name: 'plc-1' }],
      [plc, { roleHint: 'plc' }],
      [{ ip: plc.ip }, { name: 'plc-1' }],
      [{ ...plc, vlan: 10 }, { name: 'plc-1' }],
      [{ mac: plc.mac }, { name: 'plc-1' }],
      [plc, {}],
    ]);
  });

  it('multi: values a subject holds at once are remembered by value, not replaced', () => {
    const { out, facts } = emitter();
    for (const name of ['a.local', 'b.local', 'a.local', 'b.local']) out.asset(plc, { name }, true);
    expect(facts()).toEqual([
      [plc, { name: 'a.local' }],
      [plc, { name: 'b.local' }],
    ]);
    // The same alternation without `multi` is a value changing back and forth.
    const single = emitter();
    for (const name of ['a.local', 'b.local', 'a.local', 'b.local']) single.out.asset(plc, { name });
    expect(single.facts()).toHaveLength(4);
  });

  it(`remembers at most ${MEMO_CAP} fact sets, forgetting the oldest first`, () => {
    const { out, assets } = emitter();
    const host = (i: number): Endpoint => ({ ip: `10.0.${i >> 8}.${i & 0xff}` });
    for (let i = 0; i < MEMO_CAP; i++) out.asset(host(i), { name: `h${i}` });
    out.asset(host(0), { name: 'h0' });
    expect(assets()).toHaveLength(MEMO_CAP);
    // One more subject evicts the oldest (host 0), which is then said again; host 1 is still known.
    out.asset(host(MEMO_CAP), { name: `h${MEMO_CAP}` });
    out.asset(host(0), { name: 'h0' });
    expect(assets()).toHaveLength(MEMO_CAP + 2);
    expect(assets().at(-1)!.at).toEqual(host(0));
    out.asset(host(2), { name: 'h2' });
    expect(assets()).toHaveLength(MEMO_CAP + 2);
  });
});

describe('FlowEmitter.anomaly', () => {
  it(`passes code and detail on, the first ${MAX_ANOMALIES} per flow only`, () => {
    const { out, anomalies, events } = emitter();
    for (let i = 0; i < MAX_ANOMALIES + 10; i++) out.anomaly('test.bad', `#${i}`);
    expect(anomalies).toHaveLength(MAX_ANOMALIES);
    expect(anomalies[0]).toEqual(['test.bad', '#0']);
    expect(anomalies.at(-1)).toEqual(['test.bad', `#${MAX_ANOMALIES - 1}`]);
    // Anomalies go through the context (which builds the event), never as asset events.
    expect(events.filter((e): e is AnomalyObserved => e.kind === 'anomaly.observed')).toEqual([]);
  });

  it('counts per emitter: another flow starts again', () => {
    const a = emitter();
    const b = emitter();
    for (let i = 0; i < MAX_ANOMALIES + 1; i++) a.out.anomaly('test.bad', 'x');
    b.out.anomaly('test.bad', 'y');
    expect(a.anomalies).toHaveLength(MAX_ANOMALIES);
    expect(b.anomalies).toEqual([['test.bad', 'y']]);
  });
});

describe('FlowEmitter.op', () => {
  it('emits an operation with the flow endpoints, the code, target and verdict', () => {
    const events: LineguardEvent[] = [];
    const flow = {
      transport: 'tcp' as const,
      client: { ip: '10.0.0.1', port: 40000 },
      server: { ip: '10.0.0.2', port: 502 },
    };
    const e = new FlowEmitter(
      {
        flow,
        emit: (x) => events.push(x),
        evidence: () => ({ source: 's', ts: 1, frame: 7 }),
        anomaly: () => {},
      },
      'modbus',
    );
    e.op('write', '16', 'unit 1 holding 40-41', true);
    e.op('read', '3', undefined, undefined, { source: 's', ts: 0.5, frame: 3 });
    expect(events).toEqual([
      {
        kind: 'op.observed',
        client: flow.client,
        server: flow.server,
        protocol: 'modbus',
        op: 'write',
        code: '16',
        target: 'unit 1 holding 40-41',
        ok: true,
        evidence: { source: 's', ts: 1, frame: 7 },
      },
      {
        kind: 'op.observed',
        client: flow.client,
        server: flow.server,
        protocol: 'modbus',
        op: 'read',
        code: '3',
        evidence: { source: 's', ts: 0.5, frame: 3 },
      },
    ]);
  });
});
