/** CIP message parser and descriptions (CIP Vol 1 §2-4, Appendix C EPATH, §2-5, §3-5.5, §5A-2): unit tests and never-throws checks. */
import { describe, expect, it } from 'vitest';
import { itNeverThrows, wholeBuffer } from '../testing/parsers.js';
import {
  cipRequest,
  cipResponse,
  forwardClose,
  forwardOpen,
  forwardOpenReply,
  identityAttributes,
  logical,
  multiple,
  multipleRequest,
  portSegment,
  readTag,
  symbolic,
  unconnectedSend,
  writeTag,
} from './build.js';
import {
  parseCipRequest,
  parseCipResponse,
  parseEpath,
  parseForwardClose,
  parseForwardOpen,
  parseForwardOpenReply,
  parseMultiple,
  parseUnconnectedSend,
} from './cip.js';
import { Class, Service } from './consts.js';
import {
  describePath,
  describeRequest,
  identityAttributeFacts,
  identityFacts,
  opKind,
  statusFacts,
} from './describe.js';
import { parseIdentity } from './parse.js';

const path = wholeBuffer(parseEpath);
const request = wholeBuffer(parseCipRequest);
const none = { cls: -1, inst: -1, attr: -1, member: -1, point: -1, symbol: undefined, route: undefined };

describe('cip EPATH (Vol 1 Appendix C)', () => {
  it('reads 8, 16 and 32-bit logical segments', () => {
    expect(path.ok(logical({ cls: 0x01, inst: 1, attr: 7 }))).toEqual({ ...none, cls: 1, inst: 1, attr: 7 });
    expect(path.ok(logical({ cls: 0x31a, inst: 0x2420, point: 3 }))).toEqual({
      ...none,
      cls: 0x31a,
      inst: 0x2420,
      point: 3,
    });
    expect(path.ok(logical({ cls: 0x6b, inst: 0x12345678 }))).toEqual({
      ...none,
      cls: 0x6b,
      inst: 0x12345678,
    });
  });

  it('reads symbolic tag names with array indexes and members', () => {
    expect(path.ok(symbolic('Program:MainProgram.Total[3].Acc'))).toEqual({
      ...none,
      symbol: 'Program:MainProgram.Total[3].Acc',
    });
    expect(path.ok(symbolic('Grid[2,70000]'))).toEqual({ ...none, symbol: 'Grid[2,70000]' });
    // Symbolic segment 0x60|size (C-1.4.5) and a numeric extended symbol.
    expect(path.ok(Buffer.from([0x63, 0x41, 0x42, 0x43]))).toEqual({ ...none, symbol: 'ABC' });
    expect(path.ok(Buffer.from([0x60, 0xc7, 0x34, 0x12]))).toEqual({ ...none, symbol: '4660' });
  });

  it('reads port segments (slots and extended link addresses) as a route; skips keys and network segments', () => {
    const key = Buffer.from([0x34, 0x04, 1, 0, 14, 0, 54, 0, 16, 20]);
    const p = Buffer.concat([
      portSegment(1, 0),
      portSegment(2, '10.0.0.5'),
      key,
      Buffer.from([0x43, 0x05]),
      logical({ cls: 2, inst: 1 }),
    ]);
    expect(path.ok(p)).toEqual({ ...none, cls: 2, inst: 1, route: 'port 1 link 0 > port 2 link 10.0.0.5' });
    expect(path.ok(Buffer.from([0x0f, 0x12, 0x00, 0x03]))).toMatchObject({ route: 'port 18 link 3' });
  });

  it('rejects segments running off the path and reserved formats', () => {
    for (const bad of [
      [0x21, 0x00, 0x01],
      [0x20],
      [0x23, 0x00],
      [0x3c, 0x00],
      [0x91, 0x05, 0x41],
      [0xe0, 0x00],
      [0x11],
    ]) {
      expect(path.parse(Buffer.from(bad))).toMatchObject({ ok: false, code: 'bad_path' });
    }
  });
});

describe('cip messages (Vol 1 §2-4, §2-5, §3-5.5)', () => {
  it('splits a request into service, path and data; a reply into status and data', () => {
    const r = request.ok(readTag('Line1.Speed', 10));
    expect(r).toMatchObject({ service: 0x4c, path: { symbol: 'Line1.Speed' }, dataLen: 2 });
    expect(request.parse(Buffer.from([0xcc, 0x00]))).toMatchObject({ ok: false, code: 'bad_cip' });
    expect(request.parse(Buffer.from([0x4c, 0x09, 0x91]))).toMatchObject({ ok: false, code: 'bad_cip' });
    const reply = cipResponse(0x4c, 0x05, Buffer.from([1, 2]), [0x2105]);
    expect(wholeBuffer(parseCipResponse).ok(reply)).toEqual({
      service: 0x4c,
      status: 5,
      extStatus: 0x2105,
      dataOff: 6,
      dataLen: 2,
    });
    expect(parseCipResponse(Buffer.from([0x4c, 0, 0, 0]), 0, 4)).toMatchObject({ ok: false });
    expect(parseCipResponse(Buffer.from([0xcc, 0, 0, 2, 0]), 0, 5)).toMatchObject({ ok: false });
  });

  it('cuts a Multiple Service Packet into its services', () => {
    const a = readTag('A');
    const b = cipRequest(Service.GET_ATTRIBUTE_SINGLE, logical({ cls: 1, inst: 1, attr: 7 }));
    const data = multiple([a, b]);
    expect(wholeBuffer(parseMultiple).ok(data)).toEqual([6, a.length, 6 + a.length, b.length]);
    expect(parseMultiple(Buffer.from([2, 0, 6, 0, 4, 0]), 0, 6)).toMatchObject({
      ok: false,
      code: 'bad_multiple',
    });
    expect(parseMultiple(Buffer.from([9, 0, 4, 0]), 0, 4)).toMatchObject({ ok: false, code: 'bad_multiple' });
    expect(parseMultiple(Buffer.from([0, 0]), 0, 2)).toMatchObject({ ok: false, code: 'bad_multiple' });
  });

  it('unwraps an Unconnected Send: embedded request and route', () => {
    const inner = cipRequest(Service.GET_ATTRIBUTES_ALL, logical({ cls: 1, inst: 1 }));
    const ucs = request.ok(unconnectedSend(inner, portSegment(1, 0)));
    expect(ucs).toMatchObject({ service: 0x52, path: { cls: 6, inst: 1 } });
    const u = parseUnconnectedSend(unconnectedSend(inner, portSegment(1, 0)), ucs.dataOff, ucs.dataLen);
    expect(u).toMatchObject({ ok: true, msg: { msgLen: inner.length, route: { route: 'port 1 link 0' } } });
    // Odd-length embedded message: a pad byte before the route.
    const odd = Buffer.concat([inner, Buffer.from([0])]);
    const m = unconnectedSend(odd, portSegment(1, 3));
    const r = request.ok(m);
    expect(parseUnconnectedSend(m, r.dataOff, r.dataLen)).toMatchObject({ ok: true, msg: { msgLen: 7 } });
    expect(parseUnconnectedSend(m, r.dataOff, 5)).toMatchObject({ ok: false, code: 'bad_unconnected_send' });
  });

  it('reads Forward Open, Large Forward Open, their replies and Forward Close', () => {
    const c = { otId: 0, toId: 0x80fe0028, serial: 0x1234, vendor: 1, origSerial: 0xdeadbeef };
    const cpath = Buffer.concat([portSegment(1, 0), logical({ cls: 2, inst: 1 })]);
    for (const large of [false, true]) {
      const m = request.ok(forwardOpen(c, cpath, large));
      const fo = parseForwardOpen(forwardOpen(c, cpath, large), m.dataOff, m.dataLen, large);
      expect(fo).toMatchObject({
        ok: true,
        msg: { ...c, path: { cls: 2, inst: 1, route: 'port 1 link 0' } },
      });
      const reply = wholeBuffer(parseCipResponse).ok(forwardOpenReply({ ...c, otId: 0x007c0b01 }, large));
      expect(
        parseForwardOpenReply(
          forwardOpenReply({ ...c, otId: 0x007c0b01 }, large),
          reply.dataOff,
          reply.dataLen,
        ),
      ).toMatchObject({ ok: true, msg: { otId: 0x007c0b01, toId: 0x80fe0028, serial: 0x1234 } });
    }
    const fcm = forwardClose(c, cpath);
    const fc = request.ok(fcm);
    expect(parseForwardClose(fcm, fc.dataOff, fc.dataLen)).toMatchObject({
      ok: true,
      msg: { serial: 0x1234, vendor: 1, origSerial: 0xdeadbeef, path: { cls: 2 } },
    });
    expect(parseForwardOpen(fcm, fc.dataOff, 30, false)).toMatchObject({
      ok: false,
      code: 'bad_forward_open',
    });
    expect(parseForwardClose(fcm, fc.dataOff, 11)).toMatchObject({ ok: false, code: 'bad_forward_close' });
    expect(parseForwardOpenReply(fcm, 0, 20)).toMatchObject({ ok: false, code: 'bad_forward_open' });
  });
});

describe('cip operations and facts (describe.ts)', () => {
  const p = (cls: number, inst = 1, attr = -1) => ({ ...none, cls, inst, attr });

  it('classifies services by class', () => {
    expect(opKind(Service.GET_ATTRIBUTES_ALL, p(Class.IDENTITY))).toBe('identify');
    expect(opKind(Service.GET_ATTRIBUTES_ALL, p(0x02))).toBe('read');
    expect(opKind(Service.GET_ATTRIBUTE_SINGLE, p(Class.IDENTITY))).toBe('read');
    expect(opKind(Service.SET_ATTRIBUTE_SINGLE, p(0xf5))).toBe('write');
    expect(opKind(Service.SET_ATTRIBUTE_LIST, p(Class.WALL_CLOCK_TIME))).toBe('control');
    expect(opKind(Service.SET_ATTRIBUTES_ALL, p(Class.TIME_SYNC))).toBe('control');
    expect(opKind(Service.GET_ATTRIBUTE_LIST, p(Class.WALL_CLOCK_TIME))).toBe('read');
    expect(opKind(Service.RESET, p(Class.IDENTITY))).toBe('control');
    expect(opKind(Service.START, p(0x8e))).toBe('control');
    expect(opKind(Service.STOP, p(0x8e))).toBe('control');
    expect(opKind(Service.CREATE, p(0x6c))).toBe('program');
    expect(opKind(Service.DELETE, p(0x6c))).toBe('program');
    expect(opKind(Service.NO_OPERATION, p(0x02))).toBe('other');
    expect(opKind(0x1f, p(0x02))).toBe('other');
    // 0x4E and 0x52 are Forward Close and Unconnected Send on the Connection Manager only.
    expect(opKind(0x4e, p(Class.CONNECTION_MANAGER))).toBe('other');
    expect(opKind(0x4e, { ...none, symbol: 'Bits' })).toBe('write');
    expect(opKind(0x52, p(Class.CONNECTION_MANAGER))).toBe('other');
    expect(opKind(0x52, { ...none, symbol: 'Big' })).toBe('read');
    expect(opKind(Service.FORWARD_OPEN, p(Class.CONNECTION_MANAGER))).toBe('other');
    expect(opKind(Service.READ_TAG, { ...none, symbol: 'A' })).toBe('read');
    expect(opKind(Service.WRITE_TAG, { ...none, symbol: 'A' })).toBe('write');
    expect(opKind(Service.WRITE_TAG_FRAGMENTED, p(0x6b, 7))).toBe('write');
    // Upload / download: the File object, and the Logix program classes.
    for (const s of [0x4b, 0x4c, 0x4f, 0x50, 0x51]) expect(opKind(s, p(Class.FILE))).toBe('program');
    for (const s of [0x4b, 0x4f, 0x50]) expect(opKind(s, p(0x6a, 0x1bfa))).toBe('program');
    expect(opKind(0x4b, p(Class.PCCC))).toBe('other');
    expect(opKind(0x60, p(0x6a))).toBe('other');
  });

  it('describes targets: class/instance/attr, tags, routes, attribute lists, element counts', () => {
    expect(describePath(p(0x01, 1, 7))).toBe('class 0x01 instance 1 attr 7');
    expect(describePath({ ...none, symbol: 'Tank[2].Level', route: 'port 1 link 0' })).toBe(
      'Tank[2].Level via port 1 link 0',
    );
    expect(describePath({ ...none, cls: 0x68, inst: 9248, member: 2, point: 3 })).toBe(
      'class 0x68 instance 9248 point 3 member 2',
    );
    expect(describePath(none)).toBeUndefined();
    const target = (m: Buffer) => {
      const r = request.ok(m);
      return describeRequest(r.service, r.path, m, r.dataOff, r.dataLen);
    };
    expect(target(readTag('Speed', 10))).toBe('Speed (10 elements)');
    expect(target(readTag('Speed'))).toBe('Speed');
    expect(target(writeTag('Speed', 0xc4, Buffer.alloc(12), 3))).toBe('Speed (3 elements)');
    const list = (ids: number[]) =>
      Buffer.concat([Buffer.from([ids.length, 0]), ...ids.map((i) => Buffer.from([i, 0]))]);
    expect(target(cipRequest(0x03, logical({ cls: 0x8b, inst: 1 }), list([8, 9, 10])))).toBe(
      'class 0x8b instance 1 attrs 8,9,10',
    );
    expect(
      target(cipRequest(0x03, logical({ cls: 0xac, inst: 1 }), list([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]))),
    ).toBe('class 0xac instance 1 attrs 1,2,3,4,5,6,7,8,… (10)');
    const set = Buffer.from([2, 0, 6, 0, 1, 2, 3, 4, 7, 0, 9, 9]);
    expect(target(cipRequest(0x04, logical({ cls: 0x8b, inst: 1 }), set))).toBe(
      'class 0x8b instance 1 attrs 6,… (2)',
    );
    // A Read Tag on a class path carries no element count first (ethernetip_cip_large.pcap frame 10006).
    expect(
      target(cipRequest(0x4c, logical({ cls: 0x72, inst: 0 }), Buffer.from([0x88, 0x6b, 6, 0, 1, 0]))),
    ).toBe('class 0x72 instance 0');
    expect(target(cipRequest(0x17, Buffer.alloc(0)))).toBeUndefined();
  });

  it('turns identity attributes into facts, tshark formats', () => {
    const id = parseIdentity(
      identityAttributes({
        vendor: 1,
        deviceType: 14,
        productCode: 54,
        major: 16,
        minor: 20,
        status: 0x3060,
        serial: 0x0051823f,
        productName: '1756-L61/B LOGIX5561',
      }),
      0,
      35,
    );
    if (!id.ok) throw new Error(id.detail);
    expect(identityFacts(id.msg)).toEqual({
      'enip.vendor_id': '0x0001',
      vendor: 'Rockwell Automation/Allen-Bradley',
      'enip.device_type': '14',
      'enip.device_profile': 'Programmable Logic Controller',
      roleHint: 'plc',
      'enip.product_code': '54',
      'enip.revision': '4116',
      firmware: '16.20',
      'enip.serial': '0x0051823f',
      serial: '0051823F',
      'enip.product_name': '1756-L61/B LOGIX5561',
      model: '1756-L61/B LOGIX5561',
    });
    expect(statusFacts(id.msg)).toEqual({ 'enip.status': '0x3060' });
    expect(identityFacts({ ...id.msg, vendor: 0xfff0, deviceType: 0x99, productName: '' })).toEqual({
      'enip.vendor_id': '0xfff0',
      'enip.device_type': '153',
      'enip.product_code': '54',
      'enip.revision': '4116',
      firmware: '16.20',
      'enip.serial': '0x0051823f',
      serial: '0051823F',
    });
    expect(identityFacts({ ...id.msg, vendor: 243, deviceType: 12 })).toMatchObject({
      vendor: 'Schneider Automation, Inc.',
      roleHint: 'comm-adapter',
    });
    expect(identityAttributeFacts(7, Buffer.from('\x0b1756-ENBT/A', 'latin1'), 0, 12)).toEqual({
      'enip.product_name': '1756-ENBT/A',
      model: '1756-ENBT/A',
    });
    expect(identityAttributeFacts(4, Buffer.from([4, 3]), 0, 2)).toEqual({
      'enip.revision': '1027',
      firmware: '4.3',
    });
    expect(identityAttributeFacts(1, Buffer.from([47, 0]), 0, 2)).toEqual({
      'enip.vendor_id': '0x002f',
      vendor: 'Omron Corporation',
    });
    expect(identityAttributeFacts(6, Buffer.from([1, 2, 3]), 0, 3)).toBeUndefined();
    expect(identityAttributeFacts(5, Buffer.from([1, 2]), 0, 2)).toBeUndefined();
  });
});

describe('cip parsers never throw', () => {
  const c = { otId: 1, toId: 2, serial: 3, vendor: 4, origSerial: 5 };
  const cpath = Buffer.concat([portSegment(2, '192.168.1.5'), logical({ cls: 2, inst: 1 })]);
  const samples = [
    readTag('Program:Main.Tank[3].Level', 4),
    multipleRequest([readTag('A'), cipRequest(0x0e, logical({ cls: 1, inst: 1, attr: 7 }))]),
    unconnectedSend(cipRequest(0x01, logical({ cls: 1, inst: 1 })), portSegment(1, 0)),
    forwardOpen(c, cpath),
    forwardOpen(c, cpath, true),
    forwardClose(c, cpath),
    cipResponse(
      0x0a,
      0,
      multiple([cipResponse(0x4c, 0, Buffer.from([0xc4, 0, 1, 0, 0, 0])), cipResponse(0x0e, 8)]),
    ),
  ];
  const data = (p: (b: Buffer, o: number, l: number) => unknown) => (b: Buffer, o: number, l: number) => {
    const r = parseCipRequest(b, o, l);
    return r.ok ? p(b, r.msg.dataOff, r.msg.dataLen) : undefined;
  };
  const parsers = [
    parseEpath,
    parseCipRequest,
    parseCipResponse,
    (b: Buffer, o: number, l: number) => parseMultiple(b, o + 4, Math.max(0, l - 4)),
    data(parseMultiple),
    data(parseUnconnectedSend),
    data((b, o, l) => parseForwardOpen(b, o, l, false)),
    data((b, o, l) => parseForwardOpen(b, o, l, true)),
    data(parseForwardClose),
    parseForwardOpenReply,
    (b: Buffer, o: number, l: number) => {
      const r = parseCipRequest(b, o, l);
      return r.ok
        ? [
            opKind(r.msg.service, r.msg.path),
            describeRequest(r.msg.service, r.msg.path, b, r.msg.dataOff, r.msg.dataLen),
          ]
        : 0;
    },
    (b: Buffer, o: number, l: number) => identityAttributeFacts(7, b, o, l),
  ];

  itNeverThrows({ samples, parsers, seed: 0xc1, rounds: 4000 }, 'on mutated and random bytes');
});
