/** EtherNet/IP analyzers: golden traces through the capture engine (operations asserted too), fuzzed frames, malformed traffic. */
import { describe, expect, it } from 'vitest';
import { analyzeBytes } from '../../capture/analyze.js';
import type { LineguardEvent } from '../../events/types.js';
import { type Host, udpFrame } from '../../sim/frames.js';
import { writePcap } from '../../sim/pcap-writer.js';
import { TcpSession } from '../../sim/tcp-session.js';
import { anomalies, assets, fuzzFrames, golden, operations } from '../testing/engine.js';
import {
  cipRequest,
  cipResponse,
  encap,
  forwardClose,
  forwardOpen,
  forwardOpenReply,
  identityAttributes,
  ioDatagram,
  listIdentityReply,
  listIdentityRequest,
  logical,
  multiple,
  multipleRequest,
  portSegment,
  readTag,
  registerSession,
  sendRRData,
  sendUnitData,
  unconnectedSend,
  writeTag,
} from './build.js';
import { Command, Service } from './consts.js';

const ews: Host = { mac: '02:00:00:00:00:10', ip: '10.0.1.10' };
const enbt: Host = { mac: '00:00:bc:3e:eb:e4', ip: '10.0.1.20' };

const ENBT = {
  vendor: 1,
  deviceType: 12,
  productCode: 58,
  major: 4,
  minor: 3,
  status: 0x30,
  serial: 0x00524d8e,
  productName: '1756-ENBT/A',
};
const L61 = {
  vendor: 1,
  deviceType: 14,
  productCode: 54,
  major: 16,
  minor: 20,
  status: 0x3060,
  serial: 0x0051823f,
  productName: '1756-L61/B LOGIX5561',
};

/** Every event of the frames (golden() keeps assets and anomalies only). */
async function run(frames: Buffer[]): Promise<LineguardEvent[]> {
  return (await analyzeBytes(writePcap(frames))).events;
}

/** The enip operations, one entry per operation (repeat summaries expanded), in frame order. */
function ops(events: LineguardEvent[]): [string, string, string | undefined, boolean | undefined][] {
  return operations(events)
    .filter((e) => e.protocol === 'enip')
    .map((e) => [e.op, e.code, e.target, e.ok]);
}

const session = 0x11020100;
const slot0 = portSegment(1, 0);
const conn = { otId: 0x007c0b01, toId: 0x80fe0028, serial: 0x0102, vendor: 1, origSerial: 0x00c0ffee };
const connPath = Buffer.concat([slot0, logical({ cls: 2, inst: 1 })]);
const rr = (cip: Buffer, context: number) => sendRRData(cip, { session, context });
const toPlc = (seq: number, cip: Buffer) => sendUnitData(conn.otId, seq, cip, { session });
const fromPlc = (seq: number, cip: Buffer) => sendUnitData(conn.toId, seq, cip, { session });

describe('enip analyzer (golden traces)', () => {
  it('tcp: session, identity direct and routed, tag access, connected control and program operations', async () => {
    const s = new TcpSession(ews, enbt, 51000, 44818).open();
    s.send(registerSession()).reply(registerSession({ session }));
    s.send(listIdentityRequest()).reply(listIdentityReply(ENBT, enbt.ip));
    // Identity of the controller in slot 0, through the ENBT's backplane; split into 7-byte segments.
    s.send(rr(unconnectedSend(cipRequest(0x01, logical({ cls: 1, inst: 1 })), slot0), 1), 7);
    s.reply(rr(cipResponse(0x01, 0, identityAttributes(L61)), 1), 9);
    s.send(rr(forwardOpen({ ...conn, otId: 0 }, connPath), 2)).reply(rr(forwardOpenReply(conn), 2));
    // A poll repeated: the second is worked out from the first's template, an operation all the same.
    for (const seq of [1, 100]) {
      s.send(toPlc(seq, readTag('Line1.Speed', 4)));
      s.reply(fromPlc(seq, cipResponse(Service.READ_TAG, 0, Buffer.from([0xca, 0, 1, 2, 3, 4]))));
    }
    s.send(toPlc(2, writeTag('Line1.Setpoint', 0xca, Buffer.alloc(4))));
    s.reply(fromPlc(2, cipResponse(Service.WRITE_TAG, 0x05, Buffer.alloc(0), [0x0000])));
    const msp = multipleRequest([
      readTag('A'),
      cipRequest(Service.GET_ATTRIBUTE_SINGLE, logical({ cls: 1, inst: 1, attr: 7 })),
      cipRequest(Service.SET_ATTRIBUTE_SINGLE, logical({ cls: 0xf5, inst: 1, attr: 6 }), Buffer.alloc(4)),
    ]);
    const mspReply = cipResponse(
      Service.MULTIPLE_SERVICE_PACKET,
      0x1e,
      multiple([
        cipResponse(Service.READ_TAG, 0, Buffer.from([0xc1, 0, 1])),
        cipResponse(Service.GET_ATTRIBUTE_SINGLE, 0, Buffer.from('\x141756-L61/B LOGIX5561', 'latin1')),
        cipResponse(Service.SET_ATTRIBUTE_SINGLE, 0x0e),
      ]),
    );
    // The request, its retry with the same sequence count, and one reply: one operation each.
    s.send(Buffer.concat([toPlc(3, msp), toPlc(3, msp)])).reply(fromPlc(3, mspReply));
    const steps: [number, Buffer][] = [
      [Service.STOP, cipRequest(Service.STOP, logical({ cls: 0x8e, inst: 1 }))],
      [
        Service.SET_ATTRIBUTE_LIST,
        cipRequest(0x04, logical({ cls: 0x8b, inst: 1 }), Buffer.from([1, 0, 6, 0, 1, 2, 3, 4, 5, 6, 7, 8])),
      ],
      [Service.RESET, cipRequest(Service.RESET, logical({ cls: 0x72, inst: 1 }))],
      [Service.CREATE, cipRequest(Service.CREATE, logical({ cls: 0x6c, inst: 744 }))],
      [0x50, cipRequest(0x50, logical({ cls: 0x6a, inst: 0x1bfa }), Buffer.alloc(8))],
      [0x4b, cipRequest(0x4b, logical({ cls: 0x37, inst: 1 }), Buffer.from([0xf4, 1, 0, 0]))],
      [Service.START, cipRequest(Service.START, logical({ cls: 0x8e, inst: 1 }))],
    ];
    steps.forEach(([service, req], i) => {
      s.send(toPlc(10 + i, req));
      s.reply(fromPlc(10 + i, cipResponse(service)));
    });
    // Two replies in one segment.
    s.send(rr(forwardClose(conn, connPath), 3));
    s.send(rr(cipRequest(0x0e, logical({ cls: 0xf5, inst: 1, attr: 5 })), 4));
    s.reply(
      Buffer.concat([
        rr(cipResponse(Service.FORWARD_CLOSE, 0, Buffer.alloc(10)), 3),
        encap(0x6f, Buffer.alloc(0), { session, status: 0x64, context: 4 }),
      ]),
    );
    // Never answered.
    s.send(rr(cipRequest(0x0e, logical({ cls: 0xf6, inst: 1, attr: 1 })), 5));
    s.send(encap(Command.UNREGISTER_SESSION, Buffer.alloc(0), { session })).close();

    const events = await golden(import.meta.url, 'enip-tcp', s.frames);
    await fuzzFrames(s.frames, 54);
    const facts = assets(events).map((e) => [e.at, e.facts]);
    // The ENBT answers for itself: on its IP and MAC (TTL 64, not routed).
    expect(facts).toContainEqual([
      { ip: enbt.ip, mac: enbt.mac },
      {
        'enip.vendor_id': '0x0001',
        vendor: 'Rockwell Automation/Allen-Bradley',
        'enip.device_type': '12',
        'enip.device_profile': 'Communications Adapter',
        roleHint: 'comm-adapter',
        'enip.product_code': '58',
        'enip.revision': '1027',
        firmware: '4.3',
        'enip.serial': '0x00524d8e',
        serial: '00524D8E',
        'enip.product_name': '1756-ENBT/A',
        model: '1756-ENBT/A',
        'enip.socket_address': '10.0.1.20:44818',
      },
    ]);
    // The controller behind it: on the IP only, with its route.
    expect(facts).toContainEqual([
      { ip: enbt.ip },
      expect.objectContaining({
        'enip.product_name': '1756-L61/B LOGIX5561',
        roleHint: 'plc',
        'enip.route': 'port 1 link 0',
      }),
    ]);
    expect(facts).toContainEqual([
      { ip: enbt.ip },
      {
        'enip.product_name': '1756-L61/B LOGIX5561',
        model: '1756-L61/B LOGIX5561',
        'enip.route': 'port 1 link 0',
      },
    ]);
    // In frame order: the unanswered read (emitted at the flow's end) at its request's frame.
    expect(ops(await run(s.frames))).toEqual([
      ['other', '0x65', undefined, true],
      ['identify', '0x63', undefined, true],
      ['identify', '0x01', 'class 0x01 instance 1 via port 1 link 0', true],
      ['other', '0x54', 'class 0x02 instance 1 via port 1 link 0 (O->T 0x007c0b01, T->O 0x80fe0028)', true],
      ['read', '0x4c', 'Line1.Speed (4 elements)', true],
      ['read', '0x4c', 'Line1.Speed (4 elements)', true],
      ['write', '0x4d', 'Line1.Setpoint', false],
      ['read', '0x4c', 'A', true],
      ['read', '0x0e', 'class 0x01 instance 1 attr 7', true],
      ['write', '0x10', 'class 0xf5 instance 1 attr 6', false],
      ['control', '0x07', 'class 0x8e instance 1', true],
      ['control', '0x04', 'class 0x8b instance 1 attrs 6', true],
      ['control', '0x05', 'class 0x72 instance 1', true],
      ['program', '0x08', 'class 0x6c instance 744', true],
      ['program', '0x50', 'class 0x6a instance 7162', true],
      ['program', '0x4b', 'class 0x37 instance 1', true],
      ['control', '0x06', 'class 0x8e instance 1', true],
      ['other', '0x4e', 'class 0x02 instance 1 via port 1 link 0 (O->T 0x007c0b01, T->O 0x80fe0028)', true],
      ['read', '0x0e', 'class 0xf5 instance 1 attr 5', false],
      ['read', '0x0e', 'class 0xf6 instance 1 attr 1', undefined],
      ['other', '0x66', undefined, undefined],
    ]);
    expect(anomalies(events)).toEqual([]);
  });

  it('udp: ListIdentity broadcast, a local and a routed reply; implicit I/O on 2222 binds the flow only', async () => {
    const bcast: Host = { mac: 'ff:ff:ff:ff:ff:ff', ip: '255.255.255.255' };
    const omron: Host = { mac: '00:00:0a:11:22:33', ip: '10.0.1.30' };
    const far: Host = { mac: '02:00:00:00:00:fe', ip: '10.9.0.5', ttl: 61 };
    const cj2 = {
      vendor: 47,
      deviceType: 14,
      productCode: 1680,
      major: 2,
      minor: 1,
      status: 0,
      serial: 0x12345678,
      productName: 'CJ2M-CPU33',
    };
    const frames = [
      udpFrame(ews, bcast, 50000, 44818, listIdentityRequest()),
      udpFrame(omron, ews, 44818, 50000, listIdentityReply(cj2, omron.ip)),
      udpFrame(far, ews, 44818, 50000, listIdentityReply({ ...ENBT, serial: 7 }, '192.168.0.5')),
      udpFrame(enbt, ews, 2222, 2222, ioDatagram(0x1000, 1, Buffer.alloc(8))),
      udpFrame(enbt, ews, 2222, 2222, ioDatagram(0x1000, 2, Buffer.alloc(8))),
      udpFrame(enbt, ews, 2222, 2222, ioDatagram(0x1000, 3, Buffer.alloc(8)).subarray(0, 20)),
    ];
    const events = await golden(import.meta.url, 'enip-udp', frames);
    await fuzzFrames(frames, 42);
    const facts = assets(events).map((e) => [e.at, e.facts]);
    expect(facts).toContainEqual([
      { ip: omron.ip, mac: omron.mac },
      expect.objectContaining({
        vendor: 'Omron Corporation',
        model: 'CJ2M-CPU33',
        roleHint: 'plc',
        firmware: '2.1',
      }),
    ]);
    // Routed in (TTL 61): the router's MAC is not the device's; the stated address is a fact only.
    expect(facts).toContainEqual([
      { ip: far.ip },
      expect.objectContaining({ 'enip.serial': '0x00000007', 'enip.socket_address': '192.168.0.5:44818' }),
    ]);
    const every = await run(frames);
    expect(ops(every)).toEqual([['identify', '0x63', undefined, undefined]]);
    const flows = every
      .filter((e) => e.kind === 'flow.observed')
      .map((e) => e.kind === 'flow.observed' && e.app);
    expect(flows).toEqual(['enip', 'enip', 'enip', 'enip']);
    expect(anomalies(events).map((e) => e.kind === 'anomaly.observed' && e.code)).toEqual(['enip.bad_io']);
  });

  it('a server on a non-standard port is recognised by content; a header split after 2 bytes', async () => {
    const s = new TcpSession(ews, enbt, 51003, 2000).open();
    s.send(registerSession()).reply(registerSession({ session }));
    // A header cut after 2 bytes, its rest arriving with the next message: both come out whole.
    const read = rr(readTag('Tank.Level'), 1);
    const write = rr(writeTag('Tank.Setpoint', 0xca, Buffer.alloc(4)), 2);
    s.send(read.subarray(0, 2)).send(Buffer.concat([read.subarray(2), write]));
    s.reply(rr(cipResponse(Service.READ_TAG, 0, Buffer.from([0xca, 0, 0, 0, 0, 0])), 1));
    s.reply(rr(cipResponse(Service.WRITE_TAG, 0), 2));
    s.close();
    const events = await run(s.frames);
    expect(
      events.filter((e) => e.kind === 'flow.observed').map((e) => e.kind === 'flow.observed' && e.app),
    ).toEqual(['enip']);
    expect(ops(events)).toEqual([
      ['other', '0x65', undefined, true],
      ['read', '0x4c', 'Tank.Level', true],
      ['write', '0x4d', 'Tank.Setpoint', true],
    ]);
  });

  it('malformed traffic: anomalies, resynchronisation, bounded pending table, never a throw', async () => {
    const s = new TcpSession(ews, enbt, 51001, 44818).open();
    s.send(registerSession()).reply(registerSession({ session }));
    // Unknown command: the stream is lost until a delivery starts with a plausible header.
    s.send(encap(0x99, Buffer.alloc(4), { session }));
    for (let i = 0; i < 4; i++) s.send(Buffer.from(`not an encapsulation header at all (${i})...`));
    s.send(rr(cipRequest(0x0e, logical({ cls: 1, inst: 1, attr: 7 })), 1));
    s.reply(rr(cipResponse(0x0e, 0, Buffer.from('\x0b1756-ENBT/A', 'latin1')), 1));
    // A CPF whose item overruns, a bad path segment, an absurd Multiple Service Packet.
    const badCpf = rr(Buffer.from([0x01, 0x02, 0x20, 0x01, 0x24, 0x01]), 2);
    badCpf.writeUInt16LE(40, 38);
    s.send(badCpf);
    // Twice: a request that raised an anomaly is not remembered as a template, so it raises it again.
    s.send(rr(Buffer.from([0x0e, 0x01, 0xe0, 0x00]), 3));
    s.send(rr(Buffer.from([0x0e, 0x01, 0xe0, 0x00]), 3));
    s.send(rr(cipRequest(0x0a, logical({ cls: 2, inst: 1 }), Buffer.from([0xff, 0x00, 6, 0])), 4));
    s.send(rr(cipRequest(0x0e, logical({ cls: 0xf5, inst: 1, attr: 2 })), 6).fill(1, 20, 21));
    // Identity attributes cut short.
    s.send(rr(cipRequest(0x01, logical({ cls: 1, inst: 1 })), 5));
    s.reply(rr(cipResponse(0x01, 0, Buffer.from([1, 0, 14, 0])), 5));
    // More unanswered requests than the pending table holds.
    for (let i = 0; i < 70; i++)
      s.send(rr(cipRequest(0x0e, logical({ cls: 0xf5, inst: 1, attr: 1 })), 100 + i));
    s.close();
    // A capture that starts mid-message: the tail is skipped quietly, the next header picked up.
    const mid = new TcpSession(ews, enbt, 51002, 44818);
    mid.send(rr(cipRequest(0x0e, logical({ cls: 1, inst: 1, attr: 1 })), 7).subarray(30));
    mid.send(rr(cipRequest(0x0e, logical({ cls: 1, inst: 1, attr: 1 })), 8));
    mid.reply(rr(cipResponse(0x0e, 0, Buffer.from([1, 0])), 8));
    const frames = [...s.frames, ...mid.frames];
    const events = await golden(import.meta.url, 'enip-malformed', frames);
    await fuzzFrames(frames, 54);
    const codes = anomalies(events).map((e) => e.kind === 'anomaly.observed' && e.code);
    expect(new Set(codes)).toEqual(
      new Set([
        'enip.invalid_header',
        'enip.unsynced',
        'enip.bad_cpf',
        'enip.bad_path',
        'enip.bad_multiple',
        'enip.options_set',
        'enip.bad_identity',
        'enip.pending_overflow',
      ]),
    );
    expect(codes.filter((c) => c === 'enip.pending_overflow')).toHaveLength(8);
    expect(codes.filter((c) => c === 'enip.bad_path')).toHaveLength(2);
    const all = ops(await run(frames));
    expect(all).toContainEqual(['read', '0x0e', 'class 0x01 instance 1 attr 7', true]);
    expect(all).toContainEqual(['other', '0x0a', 'class 0x02 instance 1', undefined]);
    expect(
      all.filter(([, , t, ok]) => t === 'class 0xf5 instance 1 attr 1' && ok === undefined),
    ).toHaveLength(70);
    expect(assets(events).map((e) => e.facts)).toContainEqual({
      'enip.vendor_id': '0x0001',
      vendor: 'Rockwell Automation/Allen-Bradley',
    });
  });
});
