/** Modbus/TCP analyzer: golden traces through the capture engine, fuzzed frames, the content probe, public captures when ../shared is present. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeBytes } from '../../capture/analyze.js';
import type { LineguardEvent, OpObserved } from '../../events/types.js';
import type { Host } from '../../sim/frames.js';
import { writePcap } from '../../sim/pcap-writer.js';
import { TcpSession } from '../../sim/tcp-session.js';
import { analyzePublic, describePublicCaptures, PCAPS } from '../testing/captures.js';
import { anomalies, assets, fuzzFrames, golden, operations } from '../testing/engine.js';
import * as b from './build.js';

const hmi: Host = { mac: '02:00:00:00:00:0a', ip: '10.0.0.10' };
const plc: Host = { mac: '00:80:f4:01:02:03', ip: '10.0.0.20' };

/** The modbus operations, one entry per operation (repeat summaries expanded), in frame order. */
function ops(events: LineguardEvent[]): [string, string, string | undefined, boolean | undefined][] {
  return operations(events)
    .filter((e) => e.protocol === 'modbus')
    .map((e) => [e.op, e.code, e.target, e.ok]);
}

/** Every event of the frames (golden() keeps only assets and anomalies). */
async function run(frames: Buffer[]): Promise<LineguardEvent[]> {
  const { events, summary } = await analyzeBytes(writePcap(frames));
  expect(summary.analyzerErrors).toBe(0);
  return events;
}

function codes(events: LineguardEvent[]): string[] {
  return anomalies(events).map((e) => (e.kind === 'anomaly.observed' ? e.code : ''));
}

describe('modbus analyzer (golden traces)', () => {
  it('a session: pipelined and split ADUs, every public function, identity, exceptions', async () => {
    const s = new TcpSession(hmi, plc, 40001, 502).open();
    // Two requests in one segment, both answers in one segment.
    s.send(Buffer.concat([b.mbap(1, 1, b.readRequest(3, 0, 10)), b.mbap(2, 1, b.readRequest(1, 0, 16))]));
    s.reply(
      Buffer.concat([
        b.mbap(1, 1, b.readRegistersResponse(3, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])),
        b.mbap(2, 1, b.readBitsResponse(1, new Array<boolean>(16).fill(true))),
      ]),
    );
    // A request and its answer cut into 5-byte segments.
    s.send(b.mbap(3, 1, b.writeMultipleRegisters(40, [1250, 1300])), 5);
    s.reply(b.mbap(3, 1, b.writeMultipleAck(16, 40, 2)), 5);
    const pairs: [Buffer, Buffer][] = [
      [b.readRequest(2, 100, 8), b.readBitsResponse(2, new Array<boolean>(8).fill(false))],
      [b.readRequest(4, 30, 2), b.readRegistersResponse(4, [7, 8])],
      [b.writeSingleCoil(5, true), b.writeSingleCoil(5, true)],
      [b.writeSingleRegister(6, 42), b.writeSingleRegister(6, 42)],
      [b.writeMultipleCoils(0, [true, true, false]), b.writeMultipleAck(15, 0, 3)],
      [b.bare(7), b.exceptionStatusResponse(0x15)],
      [b.diagnostics(0, 0xa537), b.diagnostics(0, 0xa537)],
      [b.diagnostics(1, 0xff00), b.diagnostics(1, 0xff00)],
      [b.diagnostics(10, 0), b.diagnostics(10, 0)],
      [b.bare(11), b.commEventCounterResponse(0, 4)],
      [b.bare(17), b.reportServerIdResponse(Buffer.from([0x2a]), true, 'ACME PLC-3000')],
      [b.readFileRecord([[4, 1, 2]]), b.readFileRecordResponse([[0xdead, 0xbeef]])],
      [b.writeFileRecord([[4, 7, [1, 2]]]), b.writeFileRecord([[4, 7, [1, 2]]])],
      [b.maskWriteRegister(4, 0xf2, 0x25), b.maskWriteRegister(4, 0xf2, 0x25)],
      [b.readWriteMultiple(3, 2, 14, [9]), b.readWriteMultipleResponse([1, 2])],
      [b.readFifo(0x4de), b.readFifoResponse([1, 2])],
      [
        b.readDeviceIdRequest(2, 0),
        b.readDeviceIdResponse(
          [
            [0, 'ACME Automation'],
            [1, 'PLC-3000'],
            [2, 'V2.4.1'],
            [4, 'ACME Controller'],
          ],
          2,
        ),
      ],
      [b.writeMultipleRegisters(9000, [1]), b.exception(16, 2)],
      [Buffer.from([65, 1, 2]), b.exception(65, 1)],
    ];
    let tid = 10;
    for (const [q, r] of pairs) {
      s.send(b.mbap(tid, 1, q));
      s.reply(b.mbap(tid++, 1, r));
    }
    // Force listen-only mode gets no answer (§6.8.1 sub-function 4).
    s.send(b.mbap(tid, 1, b.diagnostics(4, 0))).close();
    await golden(import.meta.url, 'modbus-session', s.frames);
    const events = await run(s.frames);
    await fuzzFrames(s.frames, 54);
    expect(codes(events)).toEqual([]);
    expect(assets(events).map((e) => [e.at, e.facts])).toEqual([
      [{ mac: plc.mac, ip: plc.ip }, { 'modbus.server_id': 'ACME PLC-3000' }],
      [
        { mac: plc.mac, ip: plc.ip },
        {
          vendor: 'ACME Automation',
          'modbus.vendor_name': 'ACME Automation',
          model: 'PLC-3000',
          'modbus.product_code': 'PLC-3000',
          firmware: 'V2.4.1',
          'modbus.revision': 'V2.4.1',
          'modbus.product_name': 'ACME Controller',
        },
      ],
    ]);
    expect(ops(events)).toEqual([
      ['read', '3', 'unit 1 holding 0-9', true],
      ['read', '1', 'unit 1 coils 0-15', true],
      ['write', '16', 'unit 1 holding 40-41', true],
      ['read', '2', 'unit 1 discrete inputs 100-107', true],
      ['read', '4', 'unit 1 input registers 30-31', true],
      ['write', '5', 'unit 1 coil 5', true],
      ['write', '6', 'unit 1 holding 6', true],
      ['write', '15', 'unit 1 coils 0-2', true],
      ['diagnostic', '7', 'unit 1', true],
      ['diagnostic', '8', 'unit 1 diagnostics 0', true],
      ['control', '8', 'unit 1 diagnostics 1', true],
      ['diagnostic', '8', 'unit 1 diagnostics 10', true],
      ['diagnostic', '11', 'unit 1', true],
      ['identify', '17', 'unit 1', true],
      ['read', '20', 'unit 1 file 4 record 1 (2 registers)', true],
      ['write', '21', 'unit 1 file 4 record 7 (2 registers)', true],
      ['write', '22', 'unit 1 holding 4', true],
      ['write', '23', 'unit 1 holding read 3-4 write 14', true],
      ['read', '24', 'unit 1 fifo 1246', true],
      ['identify', '43', 'unit 1 device id code 2 object 0', true],
      ['write', '16', 'unit 1 holding 9000', false],
      ['other', '65', 'unit 1', false],
      ['control', '8', 'unit 1 diagnostics 4', undefined],
    ]);
    // Evidence points at the request, not the response.
    const first = events.find((e): e is OpObserved => e.kind === 'op.observed');
    expect(first?.evidence.frame).toBe(4);
  });

  it('UMAS: identity, program transfer, stop and start, error verdicts', async () => {
    const eng: Host = { mac: '02:00:00:00:00:77', ip: '10.0.0.77' };
    const s = new TcpSession(eng, plc, 40002, 502).open();
    const steps: [number, Buffer, boolean, Buffer?][] = [
      [0x02, Buffer.alloc(0), true, b.umasReadIdData('140 CPU 311 10')],
      [0x10, Buffer.from('ENG-01'), true],
      [0x33, Buffer.from([0, 1, 0xfb, 0]), true],
      [0x34, Buffer.from([0, 1, 1, 0]), true],
      [0x35, Buffer.from([0, 1]), true],
      [0x41, Buffer.alloc(0), true],
      [0x30, Buffer.from([0, 1]), false],
      [0x40, Buffer.alloc(0), true],
    ];
    steps.forEach(([code, data, ok, answer], i) => {
      s.send(b.mbap(i, 0, b.umas(1, code, data)));
      s.reply(b.mbap(i, 0, b.umasResponse(1, ok, answer)));
    });
    s.close();
    await golden(import.meta.url, 'modbus-umas', s.frames);
    const events = await run(s.frames);
    await fuzzFrames(s.frames, 54);
    expect(assets(events).map((e) => e.facts)).toEqual([
      {
        vendor: 'Schneider Electric',
        model: '140 CPU 311 10',
        'modbus.umas_model': '140 CPU 311 10',
        roleHint: 'plc',
      },
    ]);
    expect(ops(events)).toEqual([
      ['identify', '90', 'unit 0 umas read id', true],
      ['other', '90', 'unit 0 umas take reservation', true],
      ['program', '90', 'unit 0 umas initialize download', true],
      ['program', '90', 'unit 0 umas download block', true],
      ['program', '90', 'unit 0 umas end download', true],
      ['control', '90', 'unit 0 umas stop plc', true],
      ['program', '90', 'unit 0 umas initialize upload', false],
      ['control', '90', 'unit 0 umas start plc', true],
    ]);
  });

  it('malformed: bad headers, bad PDUs, strays and overflow are anomalies; the stream is followed again', async () => {
    const s = new TcpSession(hmi, plc, 40003, 502).open();
    s.send(b.mbap(1, 1, b.readRequest(3, 0, 2)));
    s.reply(b.mbap(1, 1, b.readRegistersResponse(3, [1, 2])));
    // A stray answer once the conversation is in step; a function mismatch.
    s.reply(b.mbap(99, 1, b.readRegistersResponse(3, [1])));
    s.send(b.mbap(2, 1, b.readRequest(4, 0, 1)));
    s.reply(b.mbap(2, 1, b.readRegistersResponse(3, [1])));
    // PDUs malformed for their function: too short, too long, byte count, exception from the client.
    s.send(b.mbap(3, 1, Buffer.from([3, 0, 0, 0])));
    s.reply(b.mbap(3, 1, Buffer.from([0x83, 3, 0])));
    s.send(b.mbap(4, 1, Buffer.from([16, 0, 0, 0, 1, 9, 0, 0])));
    s.send(b.mbap(5, 1, b.exception(1, 2)));
    // Protocol id 1: this direction is lost until a delivery starts with a plausible header.
    const bad = b.mbap(6, 1, b.readRequest(3, 0, 1));
    bad[3] = 1;
    s.send(Buffer.concat([bad, b.mbap(7, 1, b.readRequest(3, 0, 1))]));
    s.send(Buffer.from('GET / HTTP/1.0\r\n\r\n'));
    s.send(b.mbap(8, 1, b.readRequest(3, 5, 1)));
    s.reply(b.mbap(8, 1, b.readRegistersResponse(3, [5])));
    // An impossible MBAP length; then an over-long (but followed) one.
    const huge = b.mbap(9, 1, b.readRequest(3, 0, 1));
    huge.writeUInt16BE(0x8804, 4);
    s.reply(huge);
    s.reply(b.mbap(8, 1, b.readRegistersResponse(3, [5])));
    s.send(b.mbap(10, 1, Buffer.concat([Buffer.from([100]), Buffer.alloc(260)])));
    // 65 requests never answered overflow the pending table (64).
    for (let i = 0; i < 65; i++) s.send(b.mbap(1000 + i, 1, b.readRequest(3, i, 1)));
    s.close();
    await golden(import.meta.url, 'modbus-malformed', s.frames);
    const events = await run(s.frames);
    await fuzzFrames(s.frames, 54);
    expect(codes(events)).toEqual([
      'modbus.unmatched_response',
      'modbus.function_mismatch',
      'modbus.pdu_too_short',
      'modbus.pdu_too_long',
      'modbus.invalid_byte_count',
      'modbus.unexpected_exception',
      'modbus.invalid_protocol_id',
      'modbus.invalid_length',
      // The answer after the refused header repeats transaction 8.
      'modbus.unmatched_response',
      'modbus.invalid_length',
      'modbus.pending_overflow',
    ]);
    const o = ops(events);
    expect(o).toContainEqual(['read', '3', 'unit 1 holding 5', true]);
    expect(o).toContainEqual(['read', '4', 'unit 1 input registers 0', false]);
    expect(o).toContainEqual(['read', '1', 'unit 1', false]);
    expect(o.filter(([, , , ok]) => ok === undefined)).toHaveLength(67);
  });

  it('the probe finds Modbus on a non-standard port; lost bytes resynchronise', async () => {
    const s = new TcpSession(hmi, plc, 40004, 5020).open();
    s.send(b.mbap(1, 3, b.readRequest(3, 0, 4)));
    s.reply(b.mbap(1, 3, b.readRegistersResponse(3, [1, 2, 3, 4])));
    // 12 bytes lost (never captured) then the next request.
    s.advance(true, 12);
    s.send(b.mbap(3, 3, b.readRequest(3, 8, 1)));
    s.reply(b.mbap(3, 3, b.readRegistersResponse(3, [9])));
    s.close();
    const events = await run(s.frames);
    const flow = events.find((e) => e.kind === 'flow.observed');
    expect(flow?.kind === 'flow.observed' && flow.app).toBe('modbus');
    expect(ops(events)).toEqual([
      ['read', '3', 'unit 3 holding 0-3', true],
      ['read', '3', 'unit 3 holding 8', true],
    ]);
  });
});

describePublicCaptures('modbus', () => {
  it('modicon_test.pcap: UMAS program transfer and the PLC model', async () => {
    const events = await analyzePublic('modbus/modicon_test.pcap');
    const o = ops(events);
    expect(o.filter(([k]) => k === 'program').length).toBeGreaterThan(50);
    expect(o).toContainEqual(['program', '90', 'unit 0 umas initialize download', true]);
    expect(o.every(([, code]) => code === '90')).toBe(true);
    expect(assets(events).map((e) => [e.at.ip, e.facts.model])).toContainEqual([
      '192.168.63.253',
      '140 CPU 311 10',
    ]);
    expect(codes(events)).toEqual([]);
  });

  it('modbus_test_data_part1.pcap: restart and listen-only are control; server id; the server on 4446', async () => {
    const events = await analyzePublic('modbus/modbus_test_data_part1.pcap');
    const o = ops(events);
    expect(o).toContainEqual(['control', '8', 'unit 10 diagnostics 1', true]);
    expect(o).toContainEqual(['control', '8', 'unit 10 diagnostics 4', false]);
    expect(o).toContainEqual(['diagnostic', '8', 'unit 10 diagnostics 10', true]);
    expect(o).toContainEqual(['identify', '17', 'unit 10', true]);
    expect(assets(events).map((e) => [e.at.ip, e.facts])).toContainEqual([
      '10.0.0.3',
      { 'modbus.server_id': 'Wingpath Limited' },
    ]);
    const servers = events.flatMap((e) =>
      e.kind === 'flow.observed' && e.app === 'modbus' ? [`${e.server.ip}:${e.server.port}`] : [],
    );
    expect(new Set(servers)).toEqual(new Set(['10.0.0.3:502', '10.0.0.8:502', '10.0.0.57:4446']));
  });

  it('modbus_test_data_part1.pcap: the probe alone finds 10.0.0.57:4446 (no port configured)', async () => {
    const { events, summary } = await analyzeBytes(
      readFileSync(`${PCAPS}modbus/modbus_test_data_part1.pcap`),
      { engine: { ports: { modbus: [] } } },
    );
    expect(summary.analyzerErrors).toBe(0);
    const servers = events.flatMap((e) =>
      e.kind === 'flow.observed' && e.app === 'modbus' ? [`${e.server.ip}:${e.server.port}`] : [],
    );
    expect(servers).toContain('10.0.0.57:4446');
    expect(servers).toContain('10.0.0.3:502');
  });

  it('modbus_test_data_part2.pcap: a function code scan; unknown codes are ops of kind other', async () => {
    const events = await analyzePublic('modbus/modbus_test_data_part2.pcap');
    const o = ops(events);
    const seen = new Set(o.map(([, code]) => code));
    for (let fc = 0; fc < 128; fc++) expect(seen.has(String(fc)), `function ${fc}`).toBe(true);
    expect(o).toContainEqual(['other', '99', 'unit 1', false]);
    expect(o).toContainEqual(['program', '126', 'unit 1', false]);
    expect(codes(events).every((c) => c.startsWith('modbus.'))).toBe(true);
  });

  it('modbus_fuzz_72.pcap: fuzzed traffic never throws', async () => {
    const events = await analyzePublic('modbus/modbus_fuzz_72.pcap');
    expect(codes(events).length).toBeGreaterThan(0);
  });

  it('every truth operation code is an op; identity recall over the truth files', async () => {
    for (const name of [
      'modbus/modbus_small.pcap',
      'modbus/modbus_test.pcap',
      'modbus/modbus_test_data_part1.pcap',
      'modbus/modicon_test.pcap',
      'bench/modbus_tcp_large.pcap',
    ]) {
      const truth = JSON.parse(readFileSync(`${PCAPS}${name}.truth.json`, 'utf8')) as {
        protocols: { modbus: { operations: Record<string, number> } };
        identity: Record<string, Record<string, string[]>>;
      };
      const events = await analyzePublic(name);
      const seen = new Set(ops(events).map(([, code]) => code));
      expect(
        Object.keys(truth.protocols.modbus.operations).filter((c) => !seen.has(c)),
        name,
      ).toEqual([]);
      const facts = assets(events);
      for (const [subject, keys] of Object.entries(truth.identity)) {
        for (const [key, values] of Object.entries(keys)) {
          if (!key.startsWith('modbus.')) continue;
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
