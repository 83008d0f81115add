/** IEC 60870-5-104 analyzer: golden traces through the capture engine, fuzzed frames, the probe, public captures when ../shared is present. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeBytes } from '../../capture/analyze.js';
import type { LineguardEvent } from '../../events/types.js';
import type { Host } from '../../sim/frames.js';
import { writePcap } from '../../sim/pcap-writer.js';
import { TcpSession } from '../../sim/tcp-session.js';
import { analyzePublic, describePublicCaptures, PCAPS } from '../testing/captures.js';
import { anomalies, assets, fuzzFrames, golden, operations } from '../testing/engine.js';
import * as b from './build.js';
import { Cot, UFunction } from './consts.js';

const scada: Host = { mac: '02:00:00:00:01:01', ip: '10.1.0.5' };
const rtu: Host = { mac: '00:0e:8c:00:00:42', ip: '10.1.0.42' };
const CA = 3;

async function run(frames: Buffer[]): Promise<LineguardEvent[]> {
  const { events, summary } = await analyzeBytes(writePcap(frames));
  expect(summary.analyzerErrors).toBe(0);
  return events;
}

function ops(events: LineguardEvent[]): [string, string, string | undefined, boolean | undefined][] {
  return operations(events)
    .filter((e) => e.protocol === 'iec104')
    .map((e) => [e.op, e.code, e.target, e.ok]);
}

function codes(events: LineguardEvent[]): string[] {
  return anomalies(events).map((e) => (e.kind === 'anomaly.observed' ? e.code : ''));
}

/** One ASDU object with a one-byte element. */
function one(
  type: number,
  cause: number,
  ioa: number,
  element: Buffer,
  extra: Partial<b.AsduSpec> = {},
): Buffer {
  return b.asdu({ type, cause, ca: CA, objects: [{ ioa, element }], ...extra });
}

/** I-frames per direction with running sequence numbers. */
class Station {
  private ns = [0, 0];
  constructor(readonly s: TcpSession) {}
  client(...asdus: Buffer[]): this {
    this.s.send(Buffer.concat(asdus.map((a) => b.iFrame(this.ns[0]!++, this.ns[1]!, a))));
    return this;
  }
  server(...asdus: Buffer[]): this {
    this.s.reply(Buffer.concat(asdus.map((a) => b.iFrame(this.ns[1]!++, this.ns[0]!, a))));
    return this;
  }
  /** Skip `n` server sequence numbers (a sender that lost frames). */
  skip(n: number): this {
    this.ns[1]! += n;
    return this;
  }
}

describe('iec104 analyzer (golden traces)', () => {
  it('a session: start, interrogation, commands with confirmations, set-points, read, clock, files', async () => {
    const s = new TcpSession(scada, rtu, 40100, 2404).open();
    s.send(b.uFrame(UFunction.STARTDT_ACT));
    s.reply(b.uFrame(UFunction.STARTDT_CON));
    const st = new Station(s);
    const gi = one(100, Cot.ACTIVATION, 0, b.byteElement(20));
    st.server(one(70, Cot.INITIALISED, 0, b.byteElement(0)));
    st.client(gi);
    // Confirmation, data and termination in one segment; the data object list in sequence.
    st.server(
      one(100, Cot.ACTIVATION_CON, 0, b.byteElement(20)),
      b.asdu({
        type: 1,
        cause: 20,
        ca: CA,
        sequence: true,
        objects: [1, 2, 3].map((ioa) => ({ ioa, element: b.byteElement(1) })),
      }),
      one(100, Cot.ACTIVATION_TERM, 0, b.byteElement(20)),
    );
    s.send(b.sFrame(4));
    // Select then execute a single command; the answers come in 7-byte segments.
    const sel = one(45, Cot.ACTIVATION, 4500, b.commandElement(1, true));
    const exe = one(45, Cot.ACTIVATION, 4500, b.commandElement(1, false));
    st.client(sel);
    s.reply(b.iFrame(4, 2, one(45, Cot.ACTIVATION_CON, 4500, b.commandElement(1, true))), 7);
    st.skip(1);
    st.client(exe);
    st.server(one(45, Cot.ACTIVATION_CON, 4500, b.commandElement(1, false)));
    st.server(one(45, Cot.ACTIVATION_TERM, 4500, b.commandElement(1, false)));
    // A double command refused (P/N), a set-point, a read answered with data, clock sync.
    st.client(one(46, Cot.ACTIVATION, 4600, b.commandElement(2, false)));
    st.server(one(46, Cot.ACTIVATION_CON, 4600, b.commandElement(2, false), { negative: true }));
    st.client(one(50, Cot.ACTIVATION, 5020, b.floatElement(42.5)));
    st.server(one(50, Cot.ACTIVATION_CON, 5020, b.floatElement(42.5)));
    st.client(
      b.asdu({ type: 102, cause: Cot.REQUEST, ca: CA, objects: [{ ioa: 1300, element: Buffer.alloc(0) }] }),
    );
    st.server(one(13, Cot.REQUEST, 1300, b.floatElement(230.1)));
    const now = b.cp56(new Date(Date.UTC(2024, 4, 1, 12, 0, 0)));
    st.client(one(103, Cot.ACTIVATION, 0, now));
    st.server(one(103, Cot.ACTIVATION_CON, 0, now));
    // Reset process rejected: unknown information object address (cause 47).
    st.client(one(105, Cot.ACTIVATION, 0, b.byteElement(1)));
    st.server(one(105, Cot.UNKNOWN_IOA, 0, b.byteElement(1), { negative: true }));
    st.client(one(104, Cot.ACTIVATION, 0, Buffer.from([0xaa, 0x55])));
    st.server(one(104, Cot.ACTIVATION_CON, 0, Buffer.from([0xaa, 0x55])));
    st.client(one(112, Cot.ACTIVATION, 1300, b.floatElement(5, 1)));
    st.server(one(112, Cot.ACTIVATION_CON, 1300, b.floatElement(5, 1)));
    // File transfer: select a file; spontaneous data; a command never confirmed.
    st.client(one(122, Cot.FILE_TRANSFER, 900, Buffer.from([1, 0, 0, 1])));
    st.server(one(30, Cot.SPONTANEOUS, 2, Buffer.concat([b.byteElement(1), now])));
    s.send(b.uFrame(UFunction.TESTFR_ACT));
    s.reply(b.uFrame(UFunction.TESTFR_CON));
    st.client(one(47, Cot.ACTIVATION, 4700, b.commandElement(2, false)));
    s.close();
    await golden(import.meta.url, 'iec104-session', s.frames);
    const events = await run(s.frames);
    await fuzzFrames(s.frames, 54);
    expect(codes(events)).toEqual([]);
    expect(assets(events).map((e) => [e.at, e.facts])).toEqual([
      [{ mac: rtu.mac, ip: rtu.ip }, { roleHint: 'rtu' }],
      [{ mac: rtu.mac, ip: rtu.ip }, { 'iec104.common_address': '3' }],
    ]);
    expect(ops(events)).toEqual([
      ['diagnostic', '70', 'ca 3', undefined],
      ['read', '100', 'ca 3', true],
      ['read', '1', 'ca 3 ioa 1-3', undefined],
      ['control', '45', 'ca 3 ioa 4500 select', true],
      ['control', '45', 'ca 3 ioa 4500', true],
      ['control', '46', 'ca 3 ioa 4600', false],
      ['write', '50', 'ca 3 ioa 5020', true],
      ['read', '102', 'ca 3 ioa 1300', true],
      ['read', '13', 'ca 3 ioa 1300', undefined],
      ['control', '103', 'ca 3', true],
      ['control', '105', 'ca 3', false],
      ['diagnostic', '104', 'ca 3', true],
      ['write', '112', 'ca 3 ioa 1300', true],
      ['program', '122', 'ca 3 ioa 900', undefined],
      ['read', '30', 'ca 3 ioa 2', undefined],
      ['control', '47', 'ca 3 ioa 4700', undefined],
    ]);
  });

  it('malformed: junk, bad lengths, unknown types, VSQ mismatch, sequence gaps, overflow', async () => {
    const s = new TcpSession(scada, rtu, 40101, 2404).open();
    s.send(b.uFrame(UFunction.STARTDT_ACT));
    s.reply(b.uFrame(UFunction.STARTDT_CON));
    const st = new Station(s);
    st.server(one(1, Cot.SPONTANEOUS, 1, b.byteElement(1)));
    s.send(Buffer.from([1, 2, 3]));
    s.send(Buffer.from([0x68, 2, 9, 9]));
    s.send(b.uFrame(0x0f));
    st.client(one(42, Cot.ACTIVATION, 1, b.byteElement(1)));
    st.server(b.asdu({ type: 13, cause: 3, ca: CA, objects: [{ ioa: 1, element: Buffer.alloc(2) }] }));
    // The server skips N(S) 2 and 3.
    st.skip(2).server(one(1, Cot.SPONTANEOUS, 1, b.byteElement(0)));
    for (let i = 0; i < 65; i++) st.client(one(45, Cot.ACTIVATION, 100 + i, b.commandElement(1, false)));
    s.close();
    await golden(import.meta.url, 'iec104-malformed', s.frames);
    const events = await run(s.frames);
    await fuzzFrames(s.frames, 54);
    expect(codes(events)).toEqual([
      'iec104.bad_start_byte',
      'iec104.invalid_length',
      'iec104.invalid_u_frame',
      'iec104.unknown_type',
      'iec104.invalid_asdu_length',
      'iec104.sequence_gap',
      'iec104.pending_overflow',
    ]);
    const o = ops(events);
    expect(o).toContainEqual(['other', '42', 'ca 3 ioa 1', undefined]);
    expect(o.filter(([, code]) => code === '45')).toHaveLength(65);
  });

  it('the probe finds IEC 104 on another port; after lost bytes the stream is found again quietly', async () => {
    const s = new TcpSession(scada, rtu, 40102, 12404).open();
    s.send(b.uFrame(UFunction.STARTDT_ACT));
    s.reply(b.uFrame(UFunction.STARTDT_CON));
    const st = new Station(s);
    st.client(one(100, Cot.ACTIVATION, 0, b.byteElement(20)));
    // The server's next 10 bytes are lost: the data resumes mid-APDU, then a confirmation.
    s.advance(false, 10);
    s.reply(
      Buffer.concat([
        Buffer.from([0, 0, 0]),
        b.iFrame(9, 1, one(100, Cot.ACTIVATION_CON, 0, b.byteElement(20))),
      ]),
    );
    s.close();
    const events = await run(s.frames);
    const flow = events.find((e) => e.kind === 'flow.observed');
    expect(flow?.kind === 'flow.observed' && flow.app).toBe('iec104');
    expect(codes(events)).toEqual([]);
    expect(ops(events)).toEqual([['read', '100', 'ca 3', true]]);
  });
});

describePublicCaptures('iec104', () => {
  it('iec104_diverse.pcap: commands, set-points, interrogation; the outstation and its common address', async () => {
    const events = await analyzePublic('iec104/iec104_diverse.pcap');
    expect(codes(events)).toEqual([]);
    const o = ops(events);
    expect(o).toContainEqual(['control', '58', 'ca 3 ioa 4501 select', true]);
    expect(o).toContainEqual(['control', '45', 'ca 3 ioa 4500', true]);
    expect(o).toContainEqual(['write', '63', 'ca 3 ioa 5021', true]);
    expect(o).toContainEqual(['write', '50', 'ca 3 ioa 5020 select', true]);
    expect(o).toContainEqual(['read', '100', 'ca 3', true]);
    expect(o).toContainEqual(['read', '13', 'ca 3 ioa 1300 (+1 more)', undefined]);
    expect(assets(events).map((e) => [e.at.ip, e.facts])).toEqual([
      ['10.0.0.10', { roleHint: 'rtu' }],
      ['10.0.0.10', { 'iec104.common_address': '3' }],
    ]);
  });

  it('iec104_dissect_test.pcap: negative and test confirmations; junk between APDUs is anomalies', async () => {
    const events = await analyzePublic('iec104/iec104_dissect_test.pcap');
    const o = ops(events);
    expect(o).toContainEqual(['control', '46', 'ca 37133 ioa 15000 select', false]);
    expect(o).toContainEqual(['control', '45', 'ca 37133 ioa 22222 select', false]);
    expect(o).toContainEqual(['control', '103', 'ca 37133', true]);
    expect(o).toContainEqual(['diagnostic', '70', 'ca 37133', undefined]);
    const c = new Set(codes(events));
    expect(c).toEqual(
      new Set([
        'iec104.bad_start_byte',
        'iec104.invalid_length',
        'iec104.truncated_asdu',
        'iec104.invalid_u_frame',
        'iec104.invalid_s_frame',
      ]),
    );
    expect(
      assets(events).some((e) => e.at.ip === '172.27.248.79' && e.facts['iec104.common_address'] === '37133'),
    ).toBe(true);
  });

  it('truth operation codes are ops (but tshark counts malformed frames); identity recall', async () => {
    // tshark's 24 and 26 come from frames 41, 58, 83 and 96 of iec104_dissect_test, each marked
    // [Malformed Packet]: 6- and 8-octet APDUs of 0x18 / 0x1a filler whose "ASDU" is two
    // octets. We report those as iec104.truncated_asdu, not as operations.
    const TSHARK_MALFORMED: Record<string, string[]> = { 'iec104/iec104_dissect_test.pcap': ['24', '26'] };
    for (const name of ['iec104/iec104_diverse.pcap', 'iec104/iec104_dissect_test.pcap']) {
      const truth = JSON.parse(readFileSync(`${PCAPS}${name}.truth.json`, 'utf8')) as {
        protocols: { iec104: { operations: Record<string, number> } };
        identity: Record<string, Record<string, string[]>>;
      };
      const events = await analyzePublic(name);
      const seen = new Set(ops(events).map(([, code]) => code));
      const missing = Object.keys(truth.protocols.iec104.operations).filter((c) => !seen.has(c));
      expect(missing, name).toEqual(TSHARK_MALFORMED[name] ?? []);
      const facts = assets(events);
      for (const [subject, keys] of Object.entries(truth.identity)) {
        for (const [key, values] of Object.entries(keys)) {
          if (!key.startsWith('iec104.')) continue;
          for (const v of values) {
            const hit = facts.some(
              (e) => (e.at.ip === subject || e.at.mac === subject) && e.facts[key] === v,
            );
            expect(hit, `${name} ${subject} ${key}=${v}`).toBe(true);
          }
        }
      }
    }
  });
});
