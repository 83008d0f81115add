/** Omron FINS analyzer: golden traces (udp, FINS/TCP), operations (run/stop/program), malformed input, the public capture. */
import { describe, expect, it } from 'vitest';
import { analyzeBytes } from '../../capture/analyze.js';
import type { LineguardEvent } from '../../events/types.js';
import { type Host, udpFrame } from '../../sim/frames.js';
import { writePcap } from '../../sim/pcap-writer.js';
import { TcpSession } from '../../sim/tcp-session.js';
import { analyzePublic, describePublicCaptures } from '../testing/captures.js';
import { anomalies, assets, fuzzFrames, golden, operations } from '../testing/engine.js';
import { areaAddress, controllerData, fins, finsTcp, nodeAddressReply, nodeAddressRequest } from './build.js';

const ews: Host = { mac: '02:00:00:00:02:63', ip: '10.3.0.99' };
const plcHost: Host = { mac: '00:00:0a:00:00:c8', ip: '10.3.0.200' };
const plc: [number, number, number] = [0, 200, 0];
const pc: [number, number, number] = [0, 99, 0];

const ops = (events: LineguardEvent[]) => operations(events).map((e) => [e.op, e.code, e.target, e.ok]);

const cmd = (sid: number, command: number, data?: Buffer) => fins({ dest: plc, src: pc, sid, command, data });
const rsp = (sid: number, command: number, data?: Buffer, endCode = 0) =>
  fins({ response: true, dest: pc, src: plc, sid, command, data, endCode });

describe('omron analyzer (golden traces)', () => {
  it('udp: identity from 0501; read, write, stop, program upload, run as operations', async () => {
    const frames = [
      udpFrame(ews, plcHost, 9600, 9600, cmd(1, 0x0501)),
      udpFrame(plcHost, ews, 9600, 9600, rsp(1, 0x0501, controllerData('CJ2M-CPU33', '02.01'))),
      udpFrame(ews, plcHost, 9600, 9600, cmd(2, 0x0101, areaAddress(0x82, 100, 0, 10))),
      udpFrame(plcHost, ews, 9600, 9600, rsp(2, 0x0101, Buffer.alloc(20))),
      udpFrame(ews, plcHost, 9600, 9600, cmd(3, 0x0102, areaAddress(0xb0, 5, 0, 1, Buffer.from([0, 1])))),
      udpFrame(plcHost, ews, 9600, 9600, rsp(3, 0x0102, undefined, 0x2108)),
      udpFrame(ews, plcHost, 9600, 9600, cmd(4, 0x0402, Buffer.from([0xff, 0xff]))),
      udpFrame(plcHost, ews, 9600, 9600, rsp(4, 0x0402)),
      udpFrame(ews, plcHost, 9600, 9600, cmd(5, 0x0306, Buffer.from([0xff, 0xff, 0, 0, 0, 0, 0x01, 0x00]))),
      udpFrame(plcHost, ews, 9600, 9600, rsp(5, 0x0306, Buffer.alloc(16))),
      udpFrame(ews, plcHost, 9600, 9600, cmd(6, 0x0401, Buffer.from([0xff, 0xff, 0x04]))),
    ];
    const events = await golden(import.meta.url, 'omron-udp', frames);
    await fuzzFrames(frames, 42);
    expect(assets(events).map((e) => [e.at, e.facts])).toEqual([
      [
        { ip: plcHost.ip },
        {
          vendor: 'Omron',
          model: 'CJ2M-CPU33',
          'omron.controller_model': 'CJ2M-CPU33',
          firmware: '02.01',
          'omron.controller_version': '02.01',
          roleHint: 'plc',
        },
      ],
    ]);
    const { events: all } = await analyzeBytes(writePcap(frames));
    expect(ops(all)).toEqual([
      ['identify', '0x0501', undefined, true],
      ['read', '0x0101', 'D100 (10)', true],
      ['write', '0x0102', 'CIO5 (1)', false],
      ['control', '0x0402', undefined, true],
      ['program', '0x0306', undefined, true],
      ['control', '0x0401', undefined, undefined],
    ]);
  });

  it('tcp: FINS/TCP handshake then commands split across segments', async () => {
    const s = new TcpSession(ews, plcHost, 17134, 9600).open();
    s.send(nodeAddressRequest());
    s.reply(nodeAddressReply(251, 200));
    s.send(finsTcp(2, cmd(9, 0x0501, Buffer.from([0]))), 9);
    s.reply(finsTcp(2, rsp(9, 0x0501, controllerData('CP1L-EL20DR-D', '01.00'))), 30);
    s.close();
    const events = await golden(import.meta.url, 'omron-tcp', s.frames);
    await fuzzFrames(s.frames, 54);
    expect(assets(events)[0]!.facts).toMatchObject({ model: 'CP1L-EL20DR-D', firmware: '01.00' });
    const { events: all } = await analyzeBytes(writePcap(s.frames));
    expect(ops(all)).toEqual([['identify', '0x0501', undefined, true]]);
  });

  it('malformed: bad header, FINS/TCP error code, bad envelope → anomalies, no throw', async () => {
    const s = new TcpSession(ews, plcHost, 17135, 9600).open();
    s.send(finsTcp(3, Buffer.alloc(0), 1));
    s.send(Buffer.from('GARBAGE!GARBAGE!'));
    s.close();
    const frames = [udpFrame(ews, plcHost, 9600, 9600, Buffer.from('8e00020000000063', 'hex')), ...s.frames];
    const events = await golden(import.meta.url, 'omron-malformed', frames);
    expect(anomalies(events).map((e) => e.code)).toEqual([
      'omron.too_short',
      'omron.tcp_error',
      'omron.bad_tcp_header',
    ]);
  });
});

describePublicCaptures('omron', () => {
  it('omron_fins.pcap: controller data read over FINS/TCP and FINS/UDP names the CP1L', async () => {
    const events = await analyzePublic('other/omron_fins.pcap');
    const facts = assets(events).filter((e) => e.protocol === 'omron');
    expect(facts.map((e) => [e.at, e.facts])).toEqual([
      [
        { ip: '10.1.1.164' },
        {
          vendor: 'Omron',
          model: 'CP1L-EL20DR-D',
          'omron.controller_model': 'CP1L-EL20DR-D',
          firmware: '01.00',
          'omron.controller_version': '01.00',
          roleHint: 'plc',
        },
      ],
      expect.anything(),
    ]);
    expect(ops(events)).toEqual([
      ['identify', '0x0501', undefined, true],
      ['identify', '0x0501', undefined, true],
    ]);
    expect(operations(events).map((e) => e.server.ip)).toEqual(['10.1.1.164', '10.1.1.164']);
    expect(anomalies(events).filter((e) => e.protocol === 'omron')).toEqual([]);
  });
});
