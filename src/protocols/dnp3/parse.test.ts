/** DNP3 parser unit tests (IEEE 1815-2012 §9.2 link frames and CRCs, §4.2 application header, Annex A objects); never-throws checks. */
import { describe, expect, it } from 'vitest';
import { itNeverThrows } from '../testing/parsers.js';
import {
  allObjects,
  attribute,
  CrobCode,
  clearRestart,
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
import { describeObjects, ObjectHeader, objectSize, readObjectHeader, responseInfo } from './objects.js';
import {
  crcDnp,
  frameSize,
  type LinkFrame,
  measureLinkFrame,
  parseAppHeader,
  parseLinkFrame,
} from './parse.js';

const M = { fromMaster: true, dest: 10, src: 1 };

function link(b: Buffer): LinkFrame {
  const f = parseLinkFrame(b, 0, b.length);
  if (!f.ok) throw new Error(`${f.code}: ${f.detail}`);
  return f;
}

describe('dnp3 link layer (§9.2)', () => {
  it('CRC-16/DNP check value and the header CRC of a real frame', () => {
    expect(crcDnp(Buffer.from('123456789'), 0, 9)).toBe(0xea82);
    // select_operate_and_responses.pcap frame 4: 05 64 1a c4 0a 00 01 00, CRC 0x1c8a.
    expect(crcDnp(Buffer.from([0x05, 0x64, 0x1a, 0xc4, 0x0a, 0x00, 0x01, 0x00]), 0, 8)).toBe(0x1c8a);
  });

  it('frame sizes: header, data and one CRC per 16-octet block', () => {
    expect(frameSize(5)).toBe(10);
    expect(frameSize(26)).toBe(10 + 21 + 4);
    expect(frameSize(255)).toBe(292);
    const b = linkFrame(M, Buffer.alloc(21, 7));
    expect(measureLinkFrame(b, 0, 1)).toBe(0);
    expect(measureLinkFrame(b, 0, 3)).toBe(b.length);
    expect(measureLinkFrame(Buffer.from([0x05, 0x65]), 0, 2)).toBe(-1);
    expect(measureLinkFrame(Buffer.from([0x05, 0x64, 4]), 0, 3)).toBe(-1);
  });

  it('reads control, addresses and the user data without its CRCs', () => {
    const user = Buffer.from(Array.from({ length: 40 }, (_, i) => i));
    const f = link(linkFrame({ fromMaster: false, dest: 1, src: 1024 }, user));
    expect([f.dir, f.prm, f.func, f.dest, f.src, f.dataLen]).toEqual([false, true, 4, 1, 1024, 40]);
    expect(f.data.subarray(0, 40)).toEqual(user);
    const reset = link(linkFrame({ fromMaster: true, dest: 4, src: 3, func: 0 }));
    expect([reset.dir, reset.func, reset.dataLen]).toEqual([true, 0, 0]);
  });

  it('rejects bad CRCs, bad starts, short LEN and truncation', () => {
    const b = linkFrame(M, Buffer.alloc(20, 1));
    const hdr = Buffer.from(b);
    hdr[4] = 11;
    expect(parseLinkFrame(hdr, 0, hdr.length)).toMatchObject({
      ok: false,
      code: 'crc_mismatch',
      detail: 'header CRC',
    });
    const blk = Buffer.from(b);
    blk[29] = blk[29]! ^ 1;
    expect(parseLinkFrame(blk, 0, blk.length)).toMatchObject({
      code: 'crc_mismatch',
      detail: 'data block 1 CRC',
    });
    expect(parseLinkFrame(b, 0, b.length - 1)).toMatchObject({ code: 'truncated' });
    expect(parseLinkFrame(Buffer.from('0564', 'hex'), 0, 2)).toMatchObject({ code: 'truncated' });
    const start = Buffer.from(b);
    start[1] = 0x65;
    expect(parseLinkFrame(start, 0, start.length)).toMatchObject({ code: 'bad_start' });
    const short = Buffer.from([0x05, 0x64, 4, 0xc4, 0, 0, 0, 0, 0, 0]);
    expect(parseLinkFrame(short, 0, short.length)).toMatchObject({ code: 'bad_length' });
  });

  it('splits a long fragment into FIR…FIN transport segments with consecutive sequence numbers', () => {
    const fr = frames(M, Buffer.alloc(600, 0xaa), 62);
    expect(fr.map((b) => link(b).data[0])).toEqual([0x40 | 62, 63, 0x80 | 0]);
  });
});

describe('dnp3 application header (§4.2.2)', () => {
  it('request: control bits and function; response: IIN', () => {
    const rq = parseAppHeader(request(13, 5), 0, 2);
    expect(rq).toMatchObject({ ok: true, fc: 13, iin: -1, objOff: 2 });
    if (!rq.ok) return;
    expect([rq.fir, rq.fin, rq.con, rq.uns, rq.seq, rq.response]).toEqual([
      true,
      true,
      false,
      false,
      5,
      false,
    ]);
    const rs = parseAppHeader(response(130, 3, 0x9001), 0, 4);
    if (!rs.ok) throw new Error(rs.detail);
    expect([rs.uns, rs.con, rs.iin, rs.response]).toEqual([true, true, 0x9001, true]);
    expect(parseAppHeader(Buffer.from([0xc0, 0x81, 0]), 0, 3)).toMatchObject({ ok: false, code: 'bad_apdu' });
    expect(parseAppHeader(Buffer.from([0xc0]), 0, 1)).toMatchObject({ ok: false, code: 'bad_apdu' });
  });
});

function target(fragment: Buffer, withData: boolean): string | undefined {
  return describeObjects(fragment, 2, fragment.length, withData).target;
}

describe('dnp3 objects (Annex A, Tables 4-4/4-5)', () => {
  it('names class reads, start/stop ranges and "all"', () => {
    const classes = request(1, 0, [
      allObjects(60, 2),
      allObjects(60, 3),
      allObjects(60, 4),
      allObjects(60, 1),
    ]);
    expect(target(classes, false)).toBe('g60v2 class 1, g60v3 class 2, g60v4 class 3, g60v1 class 0');
    expect(target(request(1, 0, [startStop(1, 2, 0, 9), allObjects(30, 0)]), false)).toBe(
      'g1v2 binary input index 0-9, g30v0 analog input all',
    );
    const many = [1, 2, 3, 4, 5, 6].map((v) => allObjects(30, v));
    expect(target(request(1, 0, many), false)).toBe(
      'g30v1 analog input all, g30v2 analog input all, g30v3 analog input all, g30v4 analog input all (+2 more)',
    );
  });

  it('names CROBs with their indices and operation, and reads the echoed status', () => {
    const one = request(3, 0, [crob([{ index: 0, code: CrobCode.LATCH_ON }])]);
    expect(target(one, true)).toBe('g12v1 CROB index 0 latch on');
    const two = request(5, 0, [
      crob([
        { index: 4, code: CrobCode.TRIP | CrobCode.PULSE_ON },
        { index: 7, code: 1 },
      ]),
    ]);
    expect(target(two, true)).toBe('g12v1 CROB index 4-7 (2 points) trip pulse on');
    const echo = response(129, 0, 0, [crob([{ index: 0, code: CrobCode.LATCH_ON, status: 4 }])]);
    expect(responseInfo(echo, 4, echo.length).status).toBe(4);
  });

  it('time and IIN writes; file open names the file and its mode', () => {
    const w = describeObjects(request(2, 0, [timeWrite(1_700_000_000_000)]), 2, 13, true);
    expect(w).toMatchObject({ target: 'g50v1 time count 1', groups: 1 });
    expect(target(request(2, 0, [clearRestart()]), true)).toBe('g80v1 IIN index 7');
    const open = request(25, 1, [fileOpen('/cfg/settings.xml', 2)]);
    expect(describeObjects(open, 2, open.length, true)).toMatchObject({
      target: 'g70v3 file command /cfg/settings.xml (write)',
      fileMode: 2,
      groups: 2,
    });
    const st = response(129, 1, 0, [fileStatus(0x1234, 0)]);
    expect(responseInfo(st, 4, st.length).status).toBe(0);
    const denied = response(129, 1, 0, [fileStatus(0x1234, 1)]);
    expect(responseInfo(denied, 4, denied.length).status).toBe(1);
  });

  it('g0 device attributes in a response become facts', () => {
    const r = response(129, 2, 0, [
      attribute(252, 'SEL'),
      attribute(250, 'RTAC 3530'),
      attribute(242, 'R143-V2'),
      attribute(248, '1234567'),
      attribute(240, 'x'),
    ]);
    expect(responseInfo(r, 4, r.length).attributes).toEqual({
      vendor: 'SEL',
      model: 'RTAC 3530',
      firmware: 'R143-V2',
      serial: '1234567',
    });
  });

  it('bad range codes and objects running past the end are errors; unknown sizes stop the walk', () => {
    // dnp3_test_data_part1.pcap frame 163: Stop Application with a qualifier 0xed.
    const junk = Buffer.from('c1123c02060107063c04ed', 'hex');
    const d = describeObjects(junk, 2, junk.length, false);
    expect(d.target).toBe('g60v2 class 1, g1v7 binary input all');
    expect(d.error).toMatchObject({ code: 'bad_object', detail: 'g60v4 range code 13' });
    const h = new ObjectHeader();
    expect(readObjectHeader(Buffer.from([12, 1, 0x28, 5, 0, 0]), 0, 6, true, h)).toMatchObject({ ok: false });
    expect(readObjectHeader(Buffer.from([1, 2, 0x01, 9, 0, 1, 0]), 0, 7, false, h)).toMatchObject({
      ok: false,
      detail: 'g1v2 range 9-1',
    });
    const unknown = Buffer.from([99, 1, 0x00, 0, 3, 1, 2, 3, 4, 1, 2, 0x06]);
    const u = readObjectHeader(unknown, 0, unknown.length, true, h);
    expect(u).toMatchObject({ ok: true, next: -1 });
    expect(objectSize(12, 1)).toBe(11);
    expect(objectSize(1, 1)).toBe(-1);
    expect(objectSize(3, 1)).toBe(-2);
    expect(objectSize(110, 12)).toBe(12);
    expect(objectSize(0, 250)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('dnp3 parsers never throw', () => {
  const samples = [
    ...frames(M, request(1, 0, [allObjects(60, 2), allObjects(60, 1)])),
    ...frames(M, request(3, 1, [crob([{ index: 3, code: 3 }])])),
    ...frames(M, request(25, 2, [fileOpen('a.txt', 1)])),
    ...frames({ fromMaster: false, dest: 1, src: 10 }, response(129, 2, 0x8000, [attribute(252, 'ACME')])),
    request(2, 0, [timeWrite(0), clearRestart()]),
    response(129, 3, 0, [crob([{ index: 1, code: 4, status: 2 }]), fileStatus(1, 0)]),
  ];
  const objects = (b: Buffer, off: number, len: number) => describeObjects(b, off + 2, off + len, true);
  const resp = (b: Buffer, off: number, len: number) => responseInfo(b, off + 4, off + len);
  const parsers = [parseLinkFrame, parseAppHeader, objects, resp, measureLinkFrame];

  itNeverThrows({
    samples,
    parsers,
    seed: 0xd17,
    shape: (r) => {
      if (r.length > 2) r.writeUInt16BE(0x0564, 0);
    },
  });
});
