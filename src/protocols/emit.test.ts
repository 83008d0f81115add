/** The per-flow emitter: repeats quiet, changes re-emitted, `multi` values kept apart, memo and anomaly caps, operation repeat summaries. */
import { describe, expect, it } from 'vitest';
import type {
  AnomalyObserved,
  AssetObserved,
  Endpoint,
  LineguardEvent,
  OpKind,
  OpObserved,
} from '../events/types.js';
import { rng } from '../testing/random.js';
import {
  FlowEmitter,
  MAX_ANOMALIES,
  MAX_REPEAT_COUNT,
  MAX_SIGNATURES,
  MEMO_CAP,
  REPEAT_WINDOW_MS,
} from './emit.js';

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
      onClose: () => {},
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
        onClose: () => {},
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

describe('FlowEmitter.op repeat summaries', () => {
  /** An emitter on a flow whose packets the test numbers and times; `close()` ends the flow. */
  function flowEmitter() {
    const events: LineguardEvent[] = [];
    const hooks: (() => void)[] = [];
    const now = { ts: 0, frame: 0 };
    const out = new FlowEmitter(
      {
        flow: { transport: 'tcp', client: { ip: '10.0.0.1' }, server: { ip: '10.0.0.2' } },
        emit: (x) => events.push(x),
        evidence: () => ({ source: 's', ts: now.ts, frame: now.frame }),
        anomaly: () => {},
        onClose: (cb) => hooks.push(cb),
      },
      'test',
    );
    const at = (ts: number, frame: number) => {
      now.ts = ts;
      now.frame = frame;
      return out;
    };
    const ops = () =>
      events
        .filter((e): e is OpObserved => e.kind === 'op.observed')
        .map((e) => [e.op, e.code, e.target, e.ok, e.evidence.ts, e.evidence.frame, e.count, e.last]);
    const close = () => {
      for (const h of hooks) h();
    };
    return { out, at, events, ops, close, hooks };
  }

  it('the first of a signature goes out at once; its repeats as one summary at the flow end', () => {
    const { at, ops, close, hooks } = flowEmitter();
    expect(hooks).toHaveLength(1);
    at(1000, 1).op('read', '3', 'unit 1 holding 0-9', true);
    at(2000, 2).op('read', '3', 'unit 1 holding 0-9', true);
    at(3000, 3).op('read', '3', 'unit 1 holding 0-9', true);
    at(4000, 4).op('read', '3', 'unit 1 holding 0-9', true);
    expect(ops()).toEqual([['read', '3', 'unit 1 holding 0-9', true, 1000, 1, undefined, undefined]]);
    close();
    // Evidence of the first repeat, the time of the last.
    expect(ops()).toEqual([
      ['read', '3', 'unit 1 holding 0-9', true, 1000, 1, undefined, undefined],
      ['read', '3', 'unit 1 holding 0-9', true, 2000, 2, 3, 4000],
    ]);
    // Nothing left to summarise: a second close says nothing more.
    close();
    expect(ops()).toHaveLength(2);
  });

  it('kind, code, target and verdict make the signature; any difference is an operation of its own', () => {
    const { at, ops, close } = flowEmitter();
    const sigs: [OpKind, string, string | undefined, boolean | undefined][] = [
      ['read', '3', 'a', true],
      ['write', '3', 'a', true],
      ['read', '4', 'a', true],
      ['read', '3', 'b', true],
      ['read', '3', undefined, true],
      ['read', '3', 'a', false],
      ['read', '3', 'a', undefined],
    ];
    for (let round = 0; round < 2; round++) {
      sigs.forEach(([k, c, t, ok], i) => {
        at(round * 100 + i, round * 10 + i + 1).op(k, c, t, ok);
      });
    }
    expect(ops()).toEqual(sigs.map(([k, c, t, ok], i) => [k, c, t, ok, i, i + 1, undefined, undefined]));
    close();
    expect(ops().slice(sigs.length)).toEqual(
      sigs.map(([k, c, t, ok], i) => [k, c, t, ok, 100 + i, 11 + i, 1, 100 + i]),
    );
  });

  it(`summarises at least every ${REPEAT_WINDOW_MS} ms of capture time`, () => {
    const { at, ops, close } = flowEmitter();
    at(0, 1).op('read', '1');
    at(1000, 2).op('read', '1');
    expect(ops()).toHaveLength(1);
    at(REPEAT_WINDOW_MS, 3).op('read', '1');
    expect(ops()).toEqual([
      ['read', '1', undefined, undefined, 0, 1, undefined, undefined],
      ['read', '1', undefined, undefined, 1000, 2, 2, REPEAT_WINDOW_MS],
    ]);
    at(REPEAT_WINDOW_MS + 1000, 4).op('read', '1');
    close();
    expect(ops().slice(2)).toEqual([
      ['read', '1', undefined, undefined, REPEAT_WINDOW_MS + 1000, 4, 1, REPEAT_WINDOW_MS + 1000],
    ]);
  });

  it(`summarises after ${MAX_REPEAT_COUNT} repeats`, () => {
    const { at, ops, close } = flowEmitter();
    for (let i = 0; i <= MAX_REPEAT_COUNT + 1; i++) at(5, i + 1).op('read', '1');
    expect(ops()).toEqual([
      ['read', '1', undefined, undefined, 5, 1, undefined, undefined],
      ['read', '1', undefined, undefined, 5, 2, MAX_REPEAT_COUNT, 5],
    ]);
    close();
    expect(ops().slice(2)).toEqual([['read', '1', undefined, undefined, 5, MAX_REPEAT_COUNT + 2, 1, 5]]);
  });

  it(`tracks ${MAX_SIGNATURES} signatures: a new one past that summarises the oldest`, () => {
    const { at, ops, close } = flowEmitter();
    for (let i = 0; i < MAX_SIGNATURES; i++) at(i, i + 1).op('read', '1', `t${i}`);
    at(100, 101).op('read', '1', 't0');
    at(101, 102).op('read', '1', 't1');
    expect(ops()).toHaveLength(MAX_SIGNATURES);
    at(200, 201).op('read', '1', 'new');
    expect(ops().slice(MAX_SIGNATURES)).toEqual([
      ['read', '1', 'new', undefined, 200, 201, undefined, undefined],
      ['read', '1', 't0', undefined, 100, 101, 1, 100],
    ]);
    // t0 is no longer tracked: its next occurrence is an operation of its own again (and
    // summarises t1, now the oldest).
    at(300, 301).op('read', '1', 't0');
    expect(ops().slice(MAX_SIGNATURES + 2)).toEqual([
      ['read', '1', 't0', undefined, 300, 301, undefined, undefined],
      ['read', '1', 't1', undefined, 101, 102, 1, 101],
    ]);
    at(400, 401).op('read', '1', 't0');
    close();
    expect(ops().slice(MAX_SIGNATURES + 4)).toEqual([['read', '1', 't0', undefined, 400, 401, 1, 400]]);
  });

  it('accounts for every operation: the counts add up, per signature, on any sequence', () => {
    const { at, events, close } = flowEmitter();
    const rand = rng(0x0b5);
    const want = new Map<string, number>();
    let ts = 0;
    for (let i = 0; i < 20_000; i++) {
      ts += Math.floor(rand() * 50);
      const code = String(Math.floor(rand() * 40));
      const ok = rand() >= 0.1;
      at(ts, i + 1).op('read', code, `t${code}`, ok);
      const k = `${code} ${ok}`;
      want.set(k, (want.get(k) ?? 0) + 1);
    }
    close();
    const got = new Map<string, number>();
    for (const e of events) {
      if (e.kind !== 'op.observed') continue;
      const k = `${e.code} ${e.ok}`;
      got.set(k, (got.get(k) ?? 0) + (e.count ?? 1));
      if (e.count !== undefined) expect(e.last).toBeGreaterThanOrEqual(e.evidence.ts);
    }
    expect(got).toEqual(want);
  });
});
