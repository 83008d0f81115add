/** S7comm-plus parser: frames (V1–V3, fragments, keep-alive), message headers, VLQs, bodies; real frames; never-throws. */
import { describe, expect, it } from 'vitest';
import { publicTsdus } from '../cotp/testing/tsdus.js';
import { describePublicCaptures } from '../testing/captures.js';
import { neverThrowsOnMutations, neverThrowsOnTruncations } from '../testing/parsers.js';
import {
  connectResponse,
  ERROR_OBJECT_NOT_FOUND,
  frame,
  keepAlive,
  onObject,
  operatingState,
  response,
  variables,
  vlq,
} from './build.js';
import { Fn, Opcode, Version } from './consts.js';
import {
  objectId,
  parseFrame,
  parseMessage,
  serverVersionString,
  setVariable,
  svlq,
  variableAddresses,
} from './parse.js';

function message(b: Buffer) {
  const f = parseFrame(b, 0, b.length);
  if (!f.ok) throw new Error(f.detail);
  const m = parseMessage(b, f.frame.dataOff, f.frame.dataEnd - f.frame.dataOff);
  if (!m.ok) throw new Error(m.detail);
  return { frame: f.frame, msg: m.msg, end: f.frame.dataEnd };
}

describe('frames', () => {
  it('V2 with trailer; a first fragment without; V3 skips the integrity part; keep-alive', () => {
    const d = variables(Fn.GET_MULTI_VARIABLES, 7, 0x3c0, 3, 1);
    expect(parseFrame(frame(2, d), 0, d.length + 8)).toEqual({
      ok: true,
      frame: { version: 2, keepAlive: false, dataOff: 4, dataEnd: 4 + d.length, last: true },
    });
    expect(parseFrame(frame(2, d, false), 0, d.length + 4)).toMatchObject({
      ok: true,
      frame: { last: false },
    });
    const v3 = frame(Version.V3, d);
    expect(parseFrame(v3, 0, v3.length)).toMatchObject({
      ok: true,
      frame: { version: 3, dataOff: 4 + 33, last: true },
    });
    expect(message(v3).msg).toMatchObject({
      opcode: Opcode.REQUEST,
      func: Fn.GET_MULTI_VARIABLES,
      seq: 7,
      sessionId: 0x3c0,
    });
    expect(parseFrame(keepAlive(3), 0, 4)).toMatchObject({
      ok: true,
      frame: { version: 0xff, keepAlive: true },
    });
  });

  it('errors: unknown version, data past the TSDU, a V3 digest of another length', () => {
    expect(parseFrame(Buffer.from([0x72, 0x09, 0, 0]), 0, 4)).toMatchObject({
      ok: false,
      code: 'bad_version',
    });
    expect(parseFrame(Buffer.from([0x72, 2, 0, 9, 0x31]), 0, 5)).toMatchObject({
      ok: false,
      code: 'bad_length',
    });
    const v3 = frame(Version.V3, Buffer.from([0x31]));
    v3[4] = 16;
    expect(parseFrame(v3, 0, v3.length)).toMatchObject({ ok: false, code: 'bad_integrity' });
  });
});

describe('messages and bodies', () => {
  it('responses: the return value error code is the low 16 bits, signed', () => {
    const ok = frame(2, response(Fn.SET_VARIABLE, 4, Buffer.alloc(0)));
    expect(message(ok).msg).toMatchObject({
      opcode: Opcode.RESPONSE,
      func: Fn.SET_VARIABLE,
      seq: 4,
      errorCode: 0,
    });
    const bad = frame(2, response(Fn.SET_VARIABLE, 5, Buffer.alloc(0), ERROR_OBJECT_NOT_FOUND));
    expect(message(bad).msg.errorCode).toBe(-12);
    // Seen on an S7-1200 (GetVarSubStreamed of a missing object): a 9-octet return value.
    const long = Buffer.from([0xc0, 0x88, 0x95, 0xb0, 0x80, 0xef, 0x91, 0xff, 0xf4]);
    expect(message(frame(2, response(Fn.GET_VAR_SUBSTREAMED, 6, Buffer.alloc(0), long))).msg.errorCode).toBe(
      -12,
    );
  });

  it('VLQs; SetVariable of the operating state; variable addresses; object ids; the server version string', () => {
    expect([vlq(0), vlq(127), vlq(128), vlq(2167), vlq(0x3c0)].map((b) => b.toString('hex'))).toEqual([
      '00',
      '7f',
      '8100',
      '9077',
      '8740',
    ]);
    const s = (...b: number[]) => svlq(Buffer.from(b), 0, b.length)?.value;
    expect([s(0x3f), s(0x40), s(0x7f), s(0x81, 0x00), s(0xff, 0x00), s(0x81)]).toEqual([
      63,
      -64,
      -1,
      128,
      -128,
      undefined,
    ]);
    const stop = operatingState(9, 0x3c0, 1);
    const { msg, end } = message(frame(2, stop));
    expect(setVariable(frame(2, stop), msg.bodyOff, end)).toEqual({ object: 52, attribute: 2167, value: 1 });
    const vars = frame(2, variables(Fn.GET_MULTI_VARIABLES, 1, 0x3c0, 3, 2));
    const v = message(vars);
    expect(variableAddresses(vars, v.msg.bodyOff, v.end)).toEqual({ object: 0, count: 2, area: 0x8a0e0003 });
    const del = frame(2, onObject(Fn.DELETE_OBJECT, 2, 0x3c0, 0x3c0));
    const d = message(del);
    expect(objectId(del, d.msg.bodyOff, d.end)).toBe(0x3c0);
    const conn = connectResponse(0x3c0, '1;6ES7 214-1HE30-0XB0 ;V2.2');
    const c = message(conn);
    expect(serverVersionString(conn, c.msg.bodyOff, c.end, 2048)).toBe('1;6ES7 214-1HE30-0XB0 ;V2.2');
  });

  it('never throws on truncations and mutations', () => {
    const samples = [
      connectResponse(0x3c0, '1;6ES7 214-1HE30-0XB0 ;V2.2'),
      frame(2, operatingState(3, 0x3c0, 1)),
      frame(3, variables(Fn.SET_MULTI_VARIABLES, 4, 0x3c0, 1, 3)),
      frame(2, response(Fn.GET_MULTI_VARIABLES, 4, Buffer.from([1, 2, 3]))),
      keepAlive(1),
    ];
    const all = (b: Buffer, off: number, len: number) => {
      const f = parseFrame(b, off, len);
      if (!f.ok) return f;
      const m = parseMessage(b, f.frame.dataOff, f.frame.dataEnd - f.frame.dataOff);
      if (m.ok) {
        setVariable(b, m.msg.bodyOff, f.frame.dataEnd);
        variableAddresses(b, m.msg.bodyOff, f.frame.dataEnd);
        serverVersionString(b, m.msg.bodyOff, f.frame.dataEnd, 2048);
      }
      return m;
    };
    neverThrowsOnTruncations(samples, all);
    neverThrowsOnMutations({ samples, parsers: [all, parseMessage], seed: 0x72 });
  });
});

describePublicCaptures('S7comm-plus parser', () => {
  it('every S7comm-plus frame of the S7-1200 captures parses; first fragments have message headers', async () => {
    let messages = 0;
    for (const path of ['s7comm/s7_1200_uploading_ob1.pcap', 's7comm/s7_1200_hmi.pcap']) {
      const more = [false, false];
      for (const t of (await publicTsdus(path)).tsdus) {
        const f = parseFrame(t.data, 0, t.data.length);
        expect(f, `${path} frame ${t.frame}`).toMatchObject({ ok: true });
        if (!f.ok || f.frame.keepAlive) continue;
        if (!more[t.dir]) {
          const m = parseMessage(t.data, f.frame.dataOff, f.frame.dataEnd - f.frame.dataOff);
          expect(m, `${path} frame ${t.frame}`).toMatchObject({ ok: true });
          messages++;
        }
        more[t.dir] = !f.frame.last;
      }
    }
    expect(messages).toBe(110);
  });
});
