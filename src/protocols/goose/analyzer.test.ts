/** GOOSE analyzers (L2 and R-GOOSE): golden traces, state tracking, fuzzed frames, public captures and their identity recall. */
import { describe, expect, it } from 'vitest';
import { analyzeBytes } from '../../capture/analyze.js';
import type { LineguardEvent } from '../../events/types.js';
import { ethernet, udpFrame } from '../../sim/frames.js';
import { writePcap } from '../../sim/pcap-writer.js';
import { analyzePublic, describePublicCaptures } from '../testing/captures.js';
import { anomalies, assets, fuzzFrames, golden, operations } from '../testing/engine.js';
import { missingFacts } from '../testing/recall.js';
import { GOOSE_MULTICAST, type GooseFields, gooseApdu, gooseFrame, goosePdu, rGoose } from './build.js';
import { ETHERTYPE_GOOSE } from './consts.js';

const ops = (events: LineguardEvent[]) =>
  operations(events).map((e) => [e.op, e.code, e.target, e.client.ip ?? e.client.mac]);

/** Every event of the frames (golden() keeps assets and anomalies only); no analyzer may throw. */
async function run(frames: Buffer[]): Promise<LineguardEvent[]> {
  const { events, summary } = await analyzeBytes(writePcap(frames));
  expect(summary.analyzerErrors).toBe(0);
  return events;
}

const ied = '00:0a:dc:00:00:01';
const trip: GooseFields = {
  gocbRef: 'BAY1PROT/LLN0$GO$gcbTrip',
  datSet: 'BAY1PROT/LLN0$dsTrip',
  goId: 'BAY1_TRIP',
  stNum: 10,
  sqNum: 0,
};
const status: GooseFields = {
  gocbRef: 'BAY1PROT/LLN0$GO$gcbStatus',
  datSet: 'BAY1PROT/LLN0$dsStatus',
  stNum: 3,
  sqNum: 5,
};

describe('goose analyzer (golden traces)', () => {
  it('two GoCBs of one IED: facts once, an op per state change, regressions and flags as anomalies', async () => {
    const frames = [
      gooseFrame(ied, 0x3001, trip),
      gooseFrame(ied, 0x3002, status),
      gooseFrame(ied, 0x3001, { ...trip, sqNum: 1 }),
      gooseFrame(ied, 0x3001, { ...trip, sqNum: 1 }), // duplicate (PRP/HSR): nothing
      gooseFrame(ied, 0x3001, { ...trip, stNum: 11, sqNum: 0, booleans: [true, true] }), // a trip
      gooseFrame(ied, 0x3002, { ...status, sqNum: 6 }),
      gooseFrame(ied, 0x3001, { ...trip, stNum: 11, sqNum: 1 }),
      gooseFrame(ied, 0x3001, { ...trip, stNum: 11, sqNum: 0 }), // sqNum back within a state
      gooseFrame(ied, 0x3001, { ...trip, stNum: 9, sqNum: 4 }), // stNum back: replayed frame
      gooseFrame(ied, 0x3002, { ...status, stNum: 4, sqNum: 0, confRev: 2 }), // reconfigured
      gooseFrame(ied, 0x3002, { ...status, stNum: 4, sqNum: 1, confRev: 2 }, { simulate: true }),
      gooseFrame(ied, 0x3001, { ...trip, stNum: 12, sqNum: 0, numDatSetEntries: 5 }),
      // A VLAN-tagged second IED, and a malformed frame (Length past the end).
      gooseFrame(
        '00:0a:dc:00:00:02',
        0x0010,
        { gocbRef: 'BAY2/LLN0$GO$gcb1', datSet: 'BAY2/LLN0$ds', stNum: 1, sqNum: 0 },
        { vlan: 5 },
      ),
      ethernet(
        '00:0a:dc:00:00:03',
        GOOSE_MULTICAST,
        ETHERTYPE_GOOSE,
        Buffer.from([0, 1, 0x0f, 0xff, 0, 0, 0, 0, 0x61, 0]),
      ),
    ];
    const events = await golden(import.meta.url, 'goose', frames);
    await fuzzFrames(frames, 14);
    expect(ops(await run(frames))).toEqual([
      ['other', 'goosePdu', 'BAY1PROT/LLN0$GO$gcbTrip stNum 11', ied],
      ['other', 'goosePdu', 'BAY1PROT/LLN0$GO$gcbStatus stNum 4', ied],
      ['other', 'goosePdu', 'BAY1PROT/LLN0$GO$gcbTrip stNum 12', ied],
    ]);
    expect(anomalies(events).map((e) => e.code)).toEqual([
      'goose.state_regression',
      'goose.state_regression',
      'goose.conf_rev_change',
      'goose.simulation',
      'goose.entry_count_mismatch',
      'goose.bad_length',
    ]);
    const facts = assets(events).map((e) => [e.at, e.facts]);
    expect(facts).toContainEqual([
      { mac: ied },
      {
        'goose.gocb_ref': trip.gocbRef,
        'goose.appid': '0x3001',
        'goose.dataset': trip.datSet,
        'goose.go_id': 'BAY1_TRIP',
        'goose.conf_rev': '1',
      },
    ]);
    expect(facts).toContainEqual([{ mac: ied }, { roleHint: 'ied' }]);
    expect(facts).toContainEqual([
      { mac: '00:0a:dc:00:00:02', vlan: 5 },
      expect.objectContaining({ 'goose.gocb_ref': 'BAY2/LLN0$GO$gcb1' }),
    ]);
    // The reconfigured GoCB is said again with its new confRev; nothing else repeats.
    const statusFacts = assets(events).filter((e) => e.facts['goose.gocb_ref'] === status.gocbRef);
    expect(statusFacts.map((e) => e.facts['goose.conf_rev'])).toEqual(['1', '2']);
  });

  it('R-GOOSE (UDP 102): facts about the publishing IP only, state changes as ops', async () => {
    const pub = { mac: '02:00:00:00:01:01', ip: '10.20.0.5' };
    const group = { mac: '01:00:5e:00:00:01', ip: '232.0.0.1' };
    const pdu = (st: number, sq: number) => goosePdu({ ...trip, stNum: st, sqNum: sq });
    const frames = [
      udpFrame(pub, group, 51766, 102, rGoose(100, 0x10, pdu(5, 0))),
      udpFrame(pub, group, 51766, 102, rGoose(101, 0x10, pdu(5, 1))),
      udpFrame(pub, group, 51766, 102, rGoose(102, 0x10, pdu(6, 0), true)),
      udpFrame(pub, group, 51766, 102, Buffer.from([1, 0x40, 0xa1, 23, 0x80, 21, 0, 0, 0, 99])),
      // On another port, found by the probe.
      udpFrame(pub, group, 51767, 10102, rGoose(1, 0x11, goosePdu(status))),
    ];
    const events = await golden(import.meta.url, 'rgoose', frames);
    await fuzzFrames(frames, 42);
    expect(ops(await run(frames))).toEqual([
      ['other', 'goosePdu', 'BAY1PROT/LLN0$GO$gcbTrip stNum 6', pub.ip],
    ]);
    const subjects = assets(events).map((e) => e.at);
    expect(subjects.every((a) => a.ip === pub.ip && a.mac === undefined)).toBe(true);
    expect(
      assets(events)
        .map((e) => e.facts['goose.gocb_ref'])
        .filter(Boolean),
    ).toEqual([trip.gocbRef, status.gocbRef]);
    expect(anomalies(events).map((e) => e.code)).toEqual(['goose.simulation', 'goose.truncated']);
  });

  it('a publisher that floods GoCBs is capped, not tracked without bound', async () => {
    const frames = Array.from({ length: 20 }, (_, i) =>
      gooseFrame(ied, i, { gocbRef: `X/LLN0$GO$g${i}`, datSet: 'X/LLN0$ds', stNum: 1, sqNum: 0 }),
    );
    frames.push(
      ethernet(
        ied,
        GOOSE_MULTICAST,
        ETHERTYPE_GOOSE,
        gooseApdu(1, goosePdu({ ...trip, stNum: 1, sqNum: 0 })),
      ),
    );
    expect(anomalies(await run(frames)).map((e) => e.code)).toEqual(['goose.gocb_cap']);
  });
});

describePublicCaptures('goose', () => {
  it('goose.pcap: GE F650 gcb01; sqNum restarting within stNum 1 is flagged (frame 4, t changed too)', async () => {
    const events = await analyzePublic('iec61850/goose.pcap');
    expect(missingFacts('iec61850/goose.pcap', events, ['goose.'])).toEqual({ wanted: 1, missing: [] });
    const a = anomalies(events).filter((e) => e.protocol === 'goose');
    expect(a.map((e) => [e.code, e.evidence.frame])).toEqual([['goose.state_regression', 4]]);
    expect(a[0]!.detail).toBe(
      'GEDeviceF650/LLN0$GO$gcb01 sqNum 12 → 1 within stNum 1 (publisher restart or replay)',
    );
  });

  it('mms_and_goose.pcap: three ABB bay IEDs; seven state changes of gcb_A (stNum 5867 → 5874)', async () => {
    const events = await analyzePublic('iec61850/mms_and_goose.pcap');
    expect(missingFacts('iec61850/mms_and_goose.pcap', events, ['goose.'])).toEqual({
      wanted: 3,
      missing: [],
    });
    const o = ops(events).filter(([, code]) => code === 'goosePdu');
    expect(o.map(([, , t]) => t)).toEqual(
      [5868, 5869, 5870, 5871, 5872, 5873, 5874].map((n) => `AA1C1Q01A1LD0/LLN0$GO$gcb_A stNum ${n}`),
    );
    expect(anomalies(events).filter((e) => e.protocol === 'goose')).toEqual([]);
  });

  it('routable_goose_ge.pcap: R-GOOSE GoCB10 on the publisher IP, one state change (frame 12)', async () => {
    const events = await analyzePublic('iec61850/routable_goose_ge.pcap');
    expect(missingFacts('iec61850/routable_goose_ge.pcap', events, ['goose.'])).toEqual({
      wanted: 1,
      missing: [],
    });
    const o = operations(events).filter((e) => e.protocol === 'goose');
    expect(o.map((e) => [e.target, e.evidence.frame])).toEqual([
      ['GA_UR74Master/LLN0$RG$GoCB10 stNum 4276', 12],
    ]);
    expect(anomalies(events).filter((e) => e.protocol === 'goose')).toEqual([]);
  });
});
