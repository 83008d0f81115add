/**
 * S7comm-plus builders for the project's own traces (golden tests, the plant simulator), in the
 * layout parse.ts reads: frames (header, data, trailer; V3 with an integrity part), request and
 * response headers, the connect exchange with the ServerSessionVersion string, SetVariable of
 * the CPU operating state, variable reads by symbol CRC. Wrap them with `cotp/build.ts` `dt()`.
 * Not on the capture path.
 */
import { DIGEST_LEN, Fn, Id, Opcode, PROTOCOL_ID, Version } from './consts.js';

/** A VLQ32. */
export function vlq(n: number): Buffer {
  const out: number[] = [n & 0x7f];
  let v = Math.floor(n / 128);
  while (v > 0) {
    out.unshift((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  return Buffer.from(out);
}

/** One frame: header, (V3: integrity part,) data, and the trailer unless more fragments follow. */
export function frame(version: number, data: Buffer, last = true): Buffer {
  const body =
    version === Version.V3
      ? Buffer.concat([Buffer.from([DIGEST_LEN]), Buffer.alloc(DIGEST_LEN, 0xa5), data])
      : data;
  const h = Buffer.from([PROTOCOL_ID, version, 0, 0]);
  h.writeUInt16BE(body.length, 2);
  return Buffer.concat([h, body, last ? Buffer.from([PROTOCOL_ID, version, 0, 0]) : Buffer.alloc(0)]);
}

export function keepAlive(seq: number): Buffer {
  return Buffer.from([PROTOCOL_ID, Version.KEEPALIVE, seq & 0xff, 0]);
}

/** Request data: opcode, reserved, function, reserved, sequence, session id, transport flags, body, 4 zero bytes. */
export function request(fn: number, seq: number, session: number, body: Buffer): Buffer {
  const h = Buffer.alloc(14);
  h[0] = Opcode.REQUEST;
  h.writeUInt16BE(fn, 3);
  h.writeUInt16BE(seq, 7);
  h.writeUInt32BE(session >>> 0, 9);
  h[13] = 0x34;
  return Buffer.concat([h, body, Buffer.alloc(4)]);
}

/** Response data: opcode, reserved, function, reserved, sequence, transport flags, return value (VLQ64), body. */
export function response(
  fn: number,
  seq: number,
  body: Buffer,
  returnValue: Buffer = Buffer.from([0]),
): Buffer {
  const h = Buffer.alloc(10);
  h[0] = Opcode.RESPONSE;
  h.writeUInt16BE(fn, 3);
  h.writeUInt16BE(seq, 7);
  h[9] = 0x34;
  return Buffer.concat([h, returnValue, body, Buffer.alloc(4)]);
}

/** A negative return value: error code −12 "object not found" in the low 16 bits (VLQ64 of 0xfff4). */
export const ERROR_OBJECT_NOT_FOUND = vlq(0xfff4);

/** Connect-time CreateObject request (V1), addressed to the server session container. */
export function connectRequest(seq = 1): Buffer {
  const body = Buffer.concat([
    Buffer.from([0, 0, 0x01, 0x1d, 0x00, 0x04, 0x00, 0, 0, 0, 0]),
    Buffer.from([0xa1, 0, 0, 0, 0xd3, 0x82, 0x1f, 0, 0, 0xa2]),
  ]);
  return frame(Version.V1, request(Fn.CREATE_OBJECT, seq, Id.SERVER_SESSION_CONTAINER, body));
}

/**
 * Connect response (V1): return value, the new session id, and a session object whose
 * ServerSessionVersion struct (attribute 306) holds the version string as member 319.
 */
export function connectResponse(session: number, version: string, seq = 1): Buffer {
  const text = Buffer.from(version, 'utf8');
  const struct = Buffer.concat([
    Buffer.from([0xa3]),
    vlq(Id.SERVER_SESSION_VERSION),
    Buffer.from([0x00, 0x17, 0x00, 0x00, 0x01, 0x3a]),
    vlq(Id.SERVER_VERSION_STRING),
    Buffer.from([0x00, 0x15]),
    vlq(text.length),
    text,
    Buffer.from([0x00]),
  ]);
  const body = Buffer.concat([
    Buffer.from([1]),
    vlq(session),
    Buffer.from([0xa1, 0, 0, 1, 0x20]),
    struct,
    Buffer.from([0xa2]),
  ]);
  return frame(Version.V1, response(Fn.CREATE_OBJECT, seq, body, Buffer.from([0x11])));
}

/** SetVariable of one attribute with a DInt value (object id, item count, attribute id, flags, type, value). */
export function setVariable(
  seq: number,
  session: number,
  object: number,
  attribute: number,
  value: number,
): Buffer {
  const o = Buffer.alloc(4);
  o.writeUInt32BE(object >>> 0, 0);
  const body = Buffer.concat([o, vlq(1), vlq(attribute), Buffer.from([0x00, 0x08]), vlq(value)]);
  return request(Fn.SET_VARIABLE, seq, session, body);
}

/** Stop (1) or run (3) the CPU: SetVariable of CPUexecUnit.operatingStateREQ. */
export function operatingState(seq: number, session: number, state: number): Buffer {
  return setVariable(seq, session, Id.CPU_EXEC_UNIT, Id.OPERATING_STATE_REQ, state);
}

/** GetMultiVariables / SetMultiVariables by symbol CRC of variables in DB `db` (object id 0). */
export function variables(fn: number, seq: number, session: number, db: number, count: number): Buffer {
  const items: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    items.push(vlq(0x1234_5678 + i), vlq(0x8a0e0000 + db), vlq(1), vlq(0x09f6), vlq(0x0a + i));
  }
  return request(fn, seq, session, Buffer.concat([Buffer.alloc(4), vlq(count), vlq(count * 5), ...items]));
}

/** A request with an object id as its first body field (Explore, DeleteObject, GetVarSubStreamed…). */
export function onObject(fn: number, seq: number, session: number, object: number): Buffer {
  const o = Buffer.alloc(4);
  o.writeUInt32BE(object >>> 0, 0);
  return request(fn, seq, session, o);
}
