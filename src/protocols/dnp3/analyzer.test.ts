/** DNP3 analyzers: golden traces (TCP framing across segments, transport reassembly, UDP), operations, malformed traffic, public captures. */
import { describe, expect, it } from 'vitest';
import { analyzeBytes } from '../../capture/analyze.js';
import type { LineguardEvent, OpObserved } from '../../events/types.js';
import { type Host, udpFrame } from '../../sim/frames.js';
import { writePcap } from '../../sim/pcap-writer.js';
import { TcpSession } from '../../sim/tcp-session.js';
import { analyzePublic, describePublicCaptures } from '../testing/captures.js';
import { anomalies, assets, fuzzFrames, golden, operations } from '../testing/engine.js';
import {
  allObjects,
  attribute,
  CrobCode,
  crob,
  fileOpen,
  fileStatus,
  frames,
  linkFrame,
  request,
  response,
  startStop,
  timeWrite,
} from './build.js';

const master: Host = { mac: '02:00:00:00:00:01', ip: '10.20.0.1' };
const rtu: Host = { mac: '00:30:a7:00:00:0a', ip: '10.20.0.10' };
const M = { fromMaster: true, dest: 10, src: 1 };
const O = { fromMaster: false, dest: 1, src: 10 };

function ops(events: LineguardEvent[]): OpObserved[] {
  return operations(events).filter((e) => e.protocol === 'dnp3');
}
const brief = (o: OpObserved) => [o.op, o.code, o.target, o.ok];

/** The golden file holds facts and anomalies; operations are asserted from the whole event stream. */
async function goldenWithOps(name: string, f: Buffer[]): Promise<LineguardEvent[]> {
  await golden(import.meta.url, name, f);
  await fuzzFrames(f, 42);
  return (await analyzeBytes(writePcap(f))).events;
}
const codes = (events: LineguardEvent[]) => anomalies(events).map((a) => a.code);

describe('dnp3 analyzer (golden traces)', () => {
  it('tcp: frames split across segments and sharing one, multi-frame fragments, controls, restart, identity', async () => {
    const s = new TcpSession(master, rtu, 50000, 20000).open();
    const integrity = request(1, 0, [
      allObjects(60, 2),
      allObjects(60, 3),
      allObjects(60, 4),
      allObjects(60, 1),
    ]);
    const big = response(129, 0, 0x8000, [startStop(30, 2, 0, 199, Buffer.alloc(600))]);
    const id = request(1, 1, [startStop(0, 252, 0, 0), startStop(0, 250, 0, 0)]);
    const idRsp = response(129, 1, 0, [
      attribute(252, 'SEL'),
      attribute(250, 'SEL-3530 RTAC'),
      attribute(242, 'R143'),
    ]);
    const sel = request(3, 2, [crob([{ index: 3, code: CrobCode.CLOSE | CrobCode.PULSE_ON }])]);
    const selOk = response(129, 2, 0, [crob([{ index: 3, code: CrobCode.CLOSE | CrobCode.PULSE_ON }])]);
    const op = request(4, 3, [crob([{ index: 3, code: CrobCode.CLOSE | CrobCode.PULSE_ON }])]);
    const opNo = response(129, 3, 0, [
      crob([{ index: 3, code: CrobCode.CLOSE | CrobCode.PULSE_ON, status: 2 }]),
    ]);
    const two = Buffer.concat([...frames(M, integrity), ...frames(M, id, 1)]);
    s.send(two.subarray(0, 7)).send(two.subarray(7));
    s.reply(Buffer.concat(frames(O, big, 5)), 100);
    s.reply(Buffer.concat(frames(O, idRsp, 8)));
    s.send(Buffer.concat(frames(M, sel, 2))).reply(Buffer.concat(frames(O, selOk, 9)));
    s.send(Buffer.concat(frames(M, op, 3))).reply(Buffer.concat(frames(O, opNo, 10)));
    s.send(Buffer.concat(frames(M, request(13, 4), 4))).reply(
      Buffer.concat(frames(O, response(129, 4, 0x0001), 11)),
    );
    s.send(Buffer.concat(frames(M, request(2, 5, [timeWrite(1_700_000_000_000)]), 5)));
    s.send(Buffer.concat(frames(M, request(25, 6, [fileOpen('/fw/image.bin', 2)]), 6)));
    s.reply(Buffer.concat(frames(O, response(129, 6, 0, [fileStatus(7, 0)]), 12)));
    s.send(Buffer.concat(frames(M, request(26, 7, [fileStatus(7, 0)]), 7)));
    s.close();
    const events = await goldenWithOps('dnp3-tcp', s.frames);
    expect(ops(events).map(brief)).toEqual([
      ['read', '1', 'g60v2 class 1, g60v3 class 2, g60v4 class 3, g60v1 class 0', true],
      ['read', '1', 'g0v252 device attribute index 0, g0v250 device attribute index 0', true],
      ['control', '3', 'g12v1 CROB index 3 close pulse on', true],
      ['control', '4', 'g12v1 CROB index 3 close pulse on', false],
      ['control', '13', undefined, false],
      // Unanswered: emitted after later operations, listed (frame order) at its request.
      ['control', '2', 'g50v1 time count 1', undefined],
      ['program', '25', 'g70v3 file command /fw/image.bin (write)', true],
      ['program', '26', 'g70v4 file command status', undefined],
    ]);
    expect(ops(events).every((o) => o.client.ip === master.ip && o.server.ip === rtu.ip)).toBe(true);
    expect(assets(events).map((e) => [e.at, e.facts])).toEqual([
      [{ ip: master.ip }, { 'dnp3.address': '1' }],
      [{ ip: rtu.ip }, { roleHint: 'rtu', 'dnp3.address': '10' }],
      [{ ip: rtu.ip }, { vendor: 'SEL', model: 'SEL-3530 RTAC', firmware: 'R143' }],
    ]);
    expect(codes(events)).toEqual(['dnp3.device_restart']);
  });

  it('udp: several frames in one datagram, unsolicited responses and confirms, master on the server side', async () => {
    // The outstation opened the "flow" (it sends first, from 20000 to the master's 20000).
    const uns = response(130, 0, 0x0000, [Buffer.from([32, 1, 0x28, 1, 0, 4, 0, 0, 1, 0, 0, 0])]);
    const confirm = request(0, 0);
    const frames1 = Buffer.concat([
      ...frames(O, uns),
      linkFrame({ fromMaster: false, dest: 1, src: 10, func: 11, prm: false }),
    ]);
    const f = [
      udpFrame(rtu, master, 20000, 20000, frames1),
      udpFrame(master, rtu, 20000, 20000, Buffer.concat(frames(M, confirm))),
      udpFrame(
        master,
        rtu,
        20000,
        20000,
        Buffer.concat(frames({ ...M, dest: 0xffff }, request(21, 1, [allObjects(60, 2)]))),
      ),
    ];
    const events = await goldenWithOps('dnp3-udp', f);
    expect(ops(events).map(brief)).toEqual([
      ['other', '130', 'g32v1 analog input event index 4', true],
      ['other', '0', undefined, undefined],
      ['control', '21', 'g60v2 class 1', undefined],
    ]);
    // The op's client is the master even though the outstation's datagram opened the flow.
    expect(ops(events).every((o) => o.client.ip === master.ip)).toBe(true);
  });

  it('malformed: CRC mismatches, bad starts, transport out of order, oversized fragments, unanswered requests', async () => {
    const s = new TcpSession(master, rtu, 50001, 20000).open();
    const good = Buffer.concat(frames(M, request(1, 0, [allObjects(60, 1)])));
    const badCrc = Buffer.from(good);
    badCrc[12] = badCrc[12]! ^ 0xff;
    s.send(badCrc);
    s.send(Buffer.from('deadbeef', 'hex'));
    s.send(good); // resynchronised on the start octets
    const long = frames(M, request(2, 1, [startStop(110, 200, 0, 99, Buffer.alloc(100 * 200))]), 0);
    s.send(Buffer.concat(long));
    const split = frames(M, request(1, 2, [startStop(1, 2, 0, 255)]), 0, 3);
    s.send(Buffer.concat([split[0]!, split[2]!]));
    s.close();
    const events = await goldenWithOps('dnp3-malformed', s.frames);
    expect(codes(events)).toEqual([
      'dnp3.crc_mismatch',
      'dnp3.bad_start',
      'dnp3.fragment_too_large',
      'dnp3.transport_sequence',
    ]);
    expect(ops(events).map(brief)).toEqual([['read', '1', 'g60v1 class 0', undefined]]);
  });
});

describePublicCaptures('dnp3', () => {
  const kinds = async (file: string) => ops(await analyzePublic(`dnp3/${file}`)).map(brief);

  it('attack captures come out as the right operations', async () => {
    expect(await kinds('cold_restart_and_response.pcap')).toEqual([['control', '13', undefined, false]]);
    expect(await kinds('disable_unsolicited_and_response.pcap')).toEqual([
      ['control', '21', 'g60v2 class 1, g60v3 class 2, g60v4 class 3', true],
    ]);
    expect(await kinds('select_operate_and_responses.pcap')).toEqual([
      ['control', '3', 'g12v1 CROB index 0 latch on', true],
      ['control', '4', 'g12v1 CROB index 0 latch on', true],
    ]);
    expect(await kinds('file_read.pcap')).toEqual([
      ['read', '25', 'g70v3 file command ./testfile.txt (read)', true],
      ['read', '1', 'g70v5 file transport', true],
      ['read', '26', 'g70v4 file command status', true],
    ]);
    // Frame 6 + 8: a 269-byte response in two transport segments answers the class read.
    expect(await kinds('read_and_response.pcap')).toEqual([
      ['read', '1', 'g60v2 class 1, g60v3 class 2, g60v4 class 3, g60v1 class 0', true],
    ]);
  });

  it('openics_view_device_status: a read with no objects, answered with IIN restart + object unknown', async () => {
    const events = await analyzePublic('dnp3/openics_view_device_status.pcap');
    expect(ops(events).map(brief)).toEqual([['read', '1', undefined, false]]);
    expect(codes(events).filter((c) => c.startsWith('dnp3.'))).toEqual(['dnp3.device_restart']);
    expect(
      assets(events)
        .filter((e) => e.protocol === 'dnp3')
        .map((e) => [e.at.ip, e.facts]),
    ).toEqual([
      ['192.168.10.204', { 'dnp3.address': '0' }],
      ['192.168.10.140', { roleHint: 'rtu', 'dnp3.address': '2' }],
    ]);
  });

  it('dnp3_test_data_part1: every function code of the truth, the fuzzed requests as anomalies', async () => {
    const events = await analyzePublic('dnp3/dnp3_test_data_part1.pcap');
    const byCode = new Map<string, Set<string>>();
    for (const o of ops(events)) byCode.set(o.code, (byCode.get(o.code) ?? new Set()).add(o.op));
    expect(Object.fromEntries([...byCode].map(([c, k]) => [c, [...k].sort()]))).toEqual({
      '0': ['other'],
      '1': ['read'],
      '2': ['control', 'write'],
      '13': ['control'],
      '14': ['control'],
      '18': ['control'],
      '20': ['control'],
      '21': ['control'],
      '129': ['other'],
      '130': ['other'],
    });
    // Frames 154/156/163/166/174/176 carry a qualifier 0xed; frame 19 starts 0x0505.
    expect(codes(events).filter((c) => c === 'dnp3.bad_object')).toHaveLength(6);
    expect(codes(events)).toContain('dnp3.bad_start');
    // The truth has no identity for DNP3; the link addresses are ours.
    const facts = assets(events).filter((e) => e.protocol === 'dnp3');
    expect(new Set(facts.map((e) => `${e.at.ip} ${e.facts['dnp3.address']}`))).toEqual(
      new Set(['10.0.0.3 4', '10.0.0.3 6', '10.0.0.8 3', '10.0.0.9 3']),
    );
  });
});
