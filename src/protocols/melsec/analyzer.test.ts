/** MELSEC analyzer: golden traces (SLMP over tcp, MELSOFT over udp broadcast), operations, malformed input, the public capture. */
import { describe, expect, it } from 'vitest';
import { analyzeBytes } from '../../capture/analyze.js';
import type { LineguardEvent } from '../../events/types.js';
import { type Host, udpFrame } from '../../sim/frames.js';
import { writePcap } from '../../sim/pcap-writer.js';
import { TcpSession } from '../../sim/tcp-session.js';
import { analyzePublic, describePublicCaptures } from '../testing/captures.js';
import { anomalies, assets, fuzzFrames, golden, operations } from '../testing/engine.js';
import { cpuModel, deviceRange, melsoft, slmpRequest, slmpResponse } from './build.js';

const hmi: Host = { mac: '02:00:00:00:04:01', ip: '10.5.0.1' };
const plc: Host = { mac: '00:26:92:00:00:02', ip: '10.5.0.2' };
const bcast: Host = { mac: 'ff:ff:ff:ff:ff:ff', ip: '255.255.255.255' };

const ops = (events: LineguardEvent[]) => operations(events).map((e) => [e.op, e.code, e.target, e.ok]);

describe('melsec analyzer (golden traces)', () => {
  it('SLMP 3E over tcp on a non-standard port: type name, batch read/write, remote stop/run', async () => {
    const s = new TcpSession(hmi, plc, 50000, 1025).open();
    const exchange = (req: Buffer, rsp: Buffer) => {
      s.send(req);
      s.reply(rsp);
    };
    exchange(slmpRequest(0x0101, 0), slmpResponse(0, cpuModel('Q03UDVCPU', 0x0366)));
    exchange(slmpRequest(0x0401, 0, deviceRange(0xa8, 100, 10)), slmpResponse(0, Buffer.alloc(20)));
    exchange(
      slmpRequest(0x1401, 0, Buffer.concat([deviceRange(0x90, 0, 1), Buffer.from([1, 0])])),
      slmpResponse(0xc051),
    );
    exchange(slmpRequest(0x1002, 0, Buffer.from([1, 0])), slmpResponse(0));
    s.send(slmpRequest(0x1001, 0, Buffer.from([1, 0, 0, 0])));
    s.close();
    const events = await golden(import.meta.url, 'melsec-slmp', s.frames);
    await fuzzFrames(s.frames, 54);
    expect(assets(events).map((e) => [e.at, e.facts])).toEqual([
      [
        { ip: plc.ip },
        {
          vendor: 'Mitsubishi Electric',
          model: 'Q03UDVCPU',
          'melsec.cpu_model': 'Q03UDVCPU',
          'melsec.model_code': '0x0366',
          roleHint: 'plc',
        },
      ],
    ]);
    const { events: all } = await analyzeBytes(writePcap(s.frames));
    expect(ops(all)).toEqual([
      ['identify', '0x0101', undefined, true],
      ['read', '0x0401', 'D100 (10)', true],
      ['write', '0x1401', 'M0 (1)', false],
      ['control', '0x1002', undefined, true],
      ['control', '0x1001', undefined, undefined],
    ]);
  });

  it('MELSOFT over udp broadcast: the answers name the PLC and the operations', async () => {
    const frames = [
      udpFrame(hmi, bcast, 62659, 5560, melsoft({ seq: 1, command: 0x0121, data: Buffer.from([1]) })),
      udpFrame(
        plc,
        bcast,
        5560,
        62659,
        melsoft({ response: true, seq: 1, command: 0x0121, data: cpuModel('FX5U-32MT/ES', 0x4a29) }),
      ),
      udpFrame(hmi, bcast, 62660, 5560, melsoft({ seq: 2, command: 0x1869, data: Buffer.alloc(8) })),
      udpFrame(plc, bcast, 5560, 62660, melsoft({ response: true, seq: 2, command: 0x1869 })),
      udpFrame(hmi, bcast, 62661, 5560, melsoft({ seq: 3, command: 0x1002 })),
      udpFrame(plc, bcast, 5560, 62661, melsoft({ response: true, seq: 3, command: 0x1002, status: 0x4013 })),
    ];
    const events = await golden(import.meta.url, 'melsec-melsoft', frames);
    await fuzzFrames(frames, 42);
    expect(assets(events)[0]!.facts).toMatchObject({ model: 'FX5U-32MT/ES', 'melsec.model_code': '0x4a29' });
    const { events: all } = await analyzeBytes(writePcap(frames));
    const o = operations(all);
    expect(o.map((e) => [e.op, e.code, e.ok, e.server.ip])).toEqual([
      ['identify', '0x0121', true, plc.ip],
      ['program', '0x1869', true, plc.ip],
      ['control', '0x1002', false, plc.ip],
    ]);
  });

  it('malformed: bad length, unknown subheader on the MELSOFT port → anomalies, no throw', async () => {
    const req = slmpRequest(0x0401, 0, deviceRange(0xa8, 0, 1));
    const frames = [
      udpFrame(hmi, plc, 40000, 5006, req.subarray(0, req.length - 3)),
      udpFrame(hmi, plc, 40000, 5006, Buffer.from('1234567890')),
    ];
    const events = await golden(import.meta.url, 'melsec-malformed', frames);
    expect(anomalies(events).map((e) => e.code)).toEqual(['melsec.bad_length', 'melsec.bad_header']);
  });
});

describePublicCaptures('melsec', () => {
  it('melsoft_udp.pcap: GX Works3 and an FX5U over udp 5560 broadcasts', async () => {
    const events = await analyzePublic('other/melsoft_udp.pcap');
    const facts = assets(events).filter((e) => e.protocol === 'melsec');
    expect(facts.length).toBeGreaterThan(0);
    for (const f of facts) {
      expect([f.at, f.facts]).toEqual([
        { ip: '192.168.3.250' },
        {
          vendor: 'Mitsubishi Electric',
          model: 'FX5U-32MT/ES',
          'melsec.cpu_model': 'FX5U-32MT/ES',
          'melsec.model_code': '0x4a29',
          roleHint: 'plc',
        },
      ]);
    }
    const o = operations(events).filter((e) => e.protocol === 'melsec');
    // 216 exchanges: each answered, each reported once, on the PLC.
    expect(o).toHaveLength(216);
    expect(new Set(o.map((e) => e.server.ip))).toEqual(new Set(['192.168.3.250']));
    const by = (code: string) => o.filter((e) => e.code === code).map((e) => e.op);
    expect(new Set(by('0x1869'))).toEqual(new Set(['program']));
    expect(new Set(by('0x1868'))).toEqual(new Set(['program']));
    expect(by('0x0121')).toHaveLength(16);
    expect(anomalies(events).filter((e) => e.protocol === 'melsec')).toEqual([]);
  });
});
