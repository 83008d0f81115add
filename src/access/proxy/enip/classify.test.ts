/**
 * The EtherNet/IP proxy's reading of CIP requests: each request built with the project's
 * builders maps to the action the policy decides, the same kind, code and target the passive
 * analyzer gives the same bytes (both run on them here), malformed requests are refused, and a
 * denial is a reply the analyzer and a client read as "privilege violation" to that request.
 */
import { describe, expect, it } from 'vitest';
import { analyzeBytes } from '../../../capture/analyze.js';
import * as build from '../../../protocols/enip/build.js';
import { parseCipResponse } from '../../../protocols/enip/cip.js';
import { Command, Item, Service } from '../../../protocols/enip/consts.js';
import { locateSendData, parseEncap, type SendDataSpan } from '../../../protocols/enip/parse.js';
import { operations } from '../../../protocols/testing/engine.js';
import type { Host } from '../../../sim/frames.js';
import { writePcap } from '../../../sim/pcap-writer.js';
import { TcpSession } from '../../../sim/tcp-session.js';
import { operationAction } from '../../policy/actions.js';
import { DINT } from '../../testing/enip-plc.js';
import { type CipOp, classifyCip } from './classify.js';
import { connectedDenial, PRIVILEGE_VIOLATION, unconnectedDenial } from './reply.js';

const slot0 = build.portSegment(1, 0);
const conn = { otId: 0x007c0b01, toId: 0x80fe0028, serial: 0x0102, vendor: 1, origSerial: 0x00c0ffee };
const connPath = Buffer.concat([slot0, build.logical({ cls: 2, inst: 1 })]);
const dint = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32LE(v, 0);
  return b;
};

/** Real requests and the actions they are decided as. */
const CASES: [string, Buffer, string[]][] = [
  ['Read Tag', build.readTag('Line1.Speed'), ['enip:read']],
  ['Write Tag', build.writeTag('Line1.Setpoint', DINT, dint(7)), ['enip:write']],
  [
    'Multiple Service Packet of a read and a write',
    build.multipleRequest([build.readTag('A'), build.writeTag('B', DINT, dint(1))]),
    ['enip:read', 'enip:write'],
  ],
  [
    'Unconnected Send carrying a Read Tag',
    build.unconnectedSend(build.readTag('Speed'), slot0),
    ['enip:read'],
  ],
  [
    'Unconnected Send carrying a Multiple Service Packet',
    build.unconnectedSend(build.multipleRequest([build.readTag('A'), build.readTag('B')]), slot0),
    ['enip:read', 'enip:read'],
  ],
  ['Forward Open', build.forwardOpen(conn, connPath), ['enip:other']],
  ['Forward Close', build.forwardClose(conn, connPath), ['enip:other']],
  [
    'Identity Get_Attributes_All',
    build.cipRequest(Service.GET_ATTRIBUTES_ALL, build.logical({ cls: 1, inst: 1 })),
    ['enip:identify'],
  ],
  [
    'Identity Get_Attribute_Single',
    build.cipRequest(Service.GET_ATTRIBUTE_SINGLE, build.logical({ cls: 1, inst: 1, attr: 7 })),
    ['enip:read'],
  ],
  [
    'Stop (mode change to program)',
    build.cipRequest(Service.STOP, build.logical({ cls: 0x8e, inst: 1 })),
    ['enip:control'],
  ],
  [
    'Start (mode change to run)',
    build.cipRequest(Service.START, build.logical({ cls: 0x8e, inst: 1 })),
    ['enip:control'],
  ],
  ['Reset', build.cipRequest(Service.RESET, build.logical({ cls: 1, inst: 1 })), ['enip:control']],
  [
    'Set_Attribute_List on the wall clock',
    build.cipRequest(
      0x04,
      build.logical({ cls: 0x8b, inst: 1 }),
      Buffer.from([1, 0, 6, 0, 1, 2, 3, 4, 5, 6, 7, 8]),
    ),
    ['enip:control'],
  ],
  [
    'Create (program download)',
    build.cipRequest(Service.CREATE, build.logical({ cls: 0x6c, inst: 744 })),
    ['enip:program'],
  ],
  [
    'Download block (0x50)',
    build.cipRequest(0x50, build.logical({ cls: 0x6a, inst: 0x1bfa }), Buffer.alloc(8)),
    ['enip:program'],
  ],
  [
    'File object Initiate Upload',
    build.cipRequest(0x4b, build.logical({ cls: 0x37, inst: 1 }), Buffer.from([0xf4, 1, 0, 0])),
    ['enip:program'],
  ],
  [
    'Set_Attribute_Single',
    build.cipRequest(
      Service.SET_ATTRIBUTE_SINGLE,
      build.logical({ cls: 0xf5, inst: 1, attr: 6 }),
      Buffer.alloc(4),
    ),
    ['enip:write'],
  ],
];

function classified(cip: Buffer): CipOp[] {
  const c = classifyCip(cip, 0, cip.length);
  if (!c.ok) throw new Error(c.detail);
  return c.ops;
}

describe('EtherNet/IP proxy: CIP requests as policy actions', () => {
  it.each(CASES)('%s', (_name, cip, actions) => {
    expect(classified(cip).map((o) => operationAction('enip', o.kind))).toEqual(actions);
  });

  it('gives targets policies can name: tags by name, objects by class and instance', () => {
    expect(classified(build.readTag('Program:Main.Total[3]'))[0]).toMatchObject({
      code: '0x4c',
      text: 'Program:Main.Total[3]',
      target: { space: 'Program:Main.Total[3]', start: -1, end: -1 },
    });
    const [routed] = classified(build.unconnectedSend(build.writeTag('Speed', DINT, dint(1)), slot0));
    expect(routed).toMatchObject({
      kind: 'write',
      text: 'Speed via port 1 link 0',
      target: { space: 'Speed' },
    });
    expect(
      classified(build.cipRequest(Service.GET_ATTRIBUTES_ALL, build.logical({ cls: 1, inst: 1 })))[0]!.target,
    ).toEqual({
      unit: -1,
      space: 'class:0x01',
      start: 1,
      end: 1,
    });
    // A connection is decided by the object its path leads to (here the Message Router).
    expect(classified(build.forwardOpen(conn, connPath))[0]).toMatchObject({
      target: { space: 'class:0x02', start: 1 },
      conn: { open: true, triad: { serial: conn.serial, origSerial: conn.origSerial } },
    });
  });

  it('maps the same bytes to the same kind, code and target as the passive analyzer', async () => {
    const ews: Host = { mac: '02:00:00:00:00:10', ip: '10.0.1.10' };
    const plc: Host = { mac: '00:00:bc:3e:eb:e4', ip: '10.0.1.20' };
    const s = new TcpSession(ews, plc, 51000, 44818).open();
    const session = 0x11020100;
    s.send(build.registerSession()).reply(build.registerSession({ session }));
    const proxy: [string, string, string | undefined][] = [];
    CASES.forEach(([, cip], i) => {
      // Each unconnected, each with its own sender context, each answered.
      s.send(build.sendRRData(cip, { session, context: i + 1 })).reply(
        build.sendRRData(build.cipResponse(cip[0]!, 0x08), { session, context: i + 1 }),
      );
      for (const o of classified(cip)) proxy.push([o.kind, o.code, o.text === '' ? undefined : o.text]);
    });
    s.close();
    const { events } = await analyzeBytes(writePcap(s.frames));
    const analyzer = operations(events)
      .filter((e) => e.protocol === 'enip' && e.code !== '0x65')
      .map((e): [string, string, string | undefined] => [e.op, e.code, e.target]);
    expect(analyzer).toEqual(proxy);
    expect(proxy.length).toBeGreaterThan(CASES.length);
  });

  it('names a Forward Close by the ids its Forward Open got, as the analyzer does', () => {
    const fc = build.forwardClose(conn, connPath);
    const c = classifyCip(fc, 0, fc.length, (t) => (t.serial === conn.serial ? conn : undefined));
    expect(c.ok && c.ops[0]).toMatchObject({
      kind: 'other',
      code: '0x4e',
      text: 'class 0x02 instance 1 via port 1 link 0 (O->T 0x007c0b01, T->O 0x80fe0028)',
      conn: { open: false },
    });
  });

  it('refuses what it cannot read', () => {
    const truncatedPath = Buffer.from(build.readTag('Speed'));
    truncatedPath[1] = 20; // 40 path bytes stated, 10 there
    const badMultiple = build.multipleRequest([build.readTag('A'), build.readTag('B')]);
    badMultiple.writeUInt16LE(200, 8); // the second service's offset runs off the packet
    const truncatedInner = build.unconnectedSend(build.readTag('Speed'), slot0);
    truncatedInner[11] = 9; // the carried Read Tag states a 9-word path
    const badForwardOpen = build.forwardOpen(conn, connPath).subarray(0, 30);
    const reply = build.cipResponse(Service.READ_TAG, 0);
    for (const [bytes, why] of [
      [truncatedPath, /bad_cip: path of 40 bytes, 10 present/],
      [badMultiple, /bad_multiple/],
      [truncatedInner, /Unconnected Send carrying bad_cip/],
      [badForwardOpen, /bad_forward_open/],
      [reply, /reply bit set/],
      [Buffer.from([0x4c]), /request of 1 bytes/],
    ] as const) {
      const c = classifyCip(bytes, 0, bytes.length);
      expect(c.ok).toBe(false);
      expect(!c.ok && c.detail).toMatch(why);
    }
  });
});

describe('EtherNet/IP proxy: the denial', () => {
  const envelope = { session: 0x11020100, context0: 0xdeadbeef, context1: 0x01020304 };
  const span: SendDataSpan = { dataOff: -1, dataLen: 0, addrOff: -1, addrLen: 0 };

  it('is a SendRRData reply with status 0x0F to the request, its session and sender context echoed', async () => {
    const r = unconnectedDenial(envelope, Service.WRITE_TAG);
    const h = parseEncap(r, 0, r.length);
    expect(h).toMatchObject({
      ok: true,
      msg: {
        command: Command.SEND_RR_DATA,
        session: 0x11020100,
        status: 0,
        context0: 0xdeadbeef,
        context1: 0x01020304,
      },
    });
    expect(r.length).toBe(24 + (h.ok ? h.msg.length : -1));
    expect(locateSendData(r, 24, r.length - 24, Item.UNCONNECTED_DATA, span)).toBe('');
    expect(parseCipResponse(r, span.dataOff, span.dataLen)).toEqual({
      ok: true,
      msg: {
        service: Service.WRITE_TAG,
        status: PRIVILEGE_VIOLATION,
        extStatus: -1,
        dataOff: span.dataOff + 4,
        dataLen: 0,
      },
    });
    // The analyzer pairs it with the request it answers, as a failed write.
    const ews: Host = { mac: '02:00:00:00:00:10', ip: '10.0.1.10' };
    const plc: Host = { mac: '00:00:bc:3e:eb:e4', ip: '10.0.1.20' };
    const s = new TcpSession(ews, plc, 51001, 44818).open();
    const context = (BigInt(envelope.context1) << 32n) | BigInt(envelope.context0);
    s.send(
      build.sendRRData(build.writeTag('Speed', DINT, dint(1)), { session: envelope.session, context }),
    ).reply(r);
    s.close();
    const ops = operations((await analyzeBytes(writePcap(s.frames))).events);
    expect(ops.map((o) => [o.op, o.code, o.target, o.ok])).toEqual([['write', '0x4d', 'Speed', false]]);
  });

  it('on a connection: SendUnitData on the T->O id with the request sequence count', () => {
    const r = connectedDenial(envelope, conn.toId, 0x1234, Service.MULTIPLE_SERVICE_PACKET);
    const h = parseEncap(r, 0, r.length);
    expect(h).toMatchObject({
      ok: true,
      msg: { command: Command.SEND_UNIT_DATA, session: envelope.session },
    });
    expect(locateSendData(r, 24, r.length - 24, Item.CONNECTED_DATA, span)).toBe('');
    expect(r.readUInt32LE(span.addrOff)).toBe(conn.toId);
    expect(r.readUInt16LE(span.dataOff)).toBe(0x1234);
    expect(parseCipResponse(r, span.dataOff + 2, span.dataLen - 2)).toMatchObject({
      ok: true,
      msg: { service: Service.MULTIPLE_SERVICE_PACKET, status: 0x0f },
    });
    expect(r).toEqual(
      build.sendUnitData(conn.toId, 0x1234, build.cipResponse(Service.MULTIPLE_SERVICE_PACKET, 0x0f), {
        session: envelope.session,
        context: (BigInt(envelope.context1) << 32n) | BigInt(envelope.context0),
      }),
    );
  });
});
