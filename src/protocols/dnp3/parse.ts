/**
 * DNP3 parser: data link frames (with CRC checks), transport header and application header.
 *
 * Spec: IEEE 1815-2012 §9.2 (link frame, CRC-16/DNP: polynomial 0x3D65, reflected, initial 0,
 * final complement, low octet first), §8.2 (transport header), §4.2.2 (application control,
 * function code, IIN). Object headers are walked in `objects.ts`.
 *
 * Pure: bytes in, a frame or an error value out; never throws. A caller may pass a reusable
 * `LinkFrame`/`AppHeader` so the hot path allocates nothing. Not parsed here: object data
 * (see objects.ts), secure authentication (g120) contents.
 */
import {
  BLOCK,
  Ctl,
  Dnp3Error,
  type Dnp3ErrorCode,
  Fc,
  HEADER_LEN,
  MAX_USER_DATA,
  MIN_LEN_FIELD,
  START0,
  START1,
} from './consts.js';

export type Dnp3Fail = { ok: false; code: Dnp3ErrorCode; detail: string };

function fail(code: Dnp3ErrorCode, detail: string): Dnp3Fail {
  return { ok: false, code, detail };
}

/** CRC-16/DNP table (reflected polynomial 0xA6BC). */
const CRC_TABLE = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xa6bc : c >>> 1;
    t[i] = c;
  }
  return t;
})();

/** CRC-16/DNP of `buf[off, off + len)` (check value of "123456789" is 0xEA82). */
export function crcDnp(buf: Uint8Array, off: number, len: number): number {
  let c = 0;
  for (let i = off; i < off + len; i++) c = (c >>> 8) ^ CRC_TABLE[(c ^ buf[i]!) & 0xff]!;
  return ~c & 0xffff;
}

/** Frame size on the wire for a LEN field value (header + data + one CRC per 16-octet block). */
export function frameSize(lenField: number): number {
  const n = lenField - MIN_LEN_FIELD;
  return HEADER_LEN + n + 2 * Math.ceil(n / BLOCK);
}

/**
 * StreamFramer measure: the size of the frame starting at `buf[off]`, 0 when more bytes are
 * needed, -1 when the bytes are not a frame start.
 */
export function measureLinkFrame(buf: Buffer, off: number, avail: number): number {
  if (avail < 1) return 0;
  if (buf[off] !== START0) return -1;
  if (avail < 2) return 0;
  if (buf[off + 1] !== START1) return -1;
  if (avail < 3) return 0;
  const l = buf[off + 2]!;
  return l < MIN_LEN_FIELD ? -1 : frameSize(l);
}

/** One data link frame; `data[0, dataLen)` is the user data with the block CRCs removed. */
export class LinkFrame {
  readonly ok = true;
  /** Whole frame size on the wire. */
  size = 0;
  control = 0;
  dest = 0;
  src = 0;
  dataLen = 0;
  constructor(readonly data: Buffer = Buffer.allocUnsafe(MAX_USER_DATA)) {}
  get dir(): boolean {
    return (this.control & Ctl.DIR) !== 0;
  }
  get prm(): boolean {
    return (this.control & Ctl.PRM) !== 0;
  }
  get func(): number {
    return this.control & Ctl.FUNC;
  }
}

export type LinkParse = LinkFrame | Dnp3Fail;

/**
 * Parse the link frame at `buf[off, off + len)` (bytes past the frame are ignored), checking
 * the header CRC and every block CRC. `out` is filled and returned when given.
 */
export function parseLinkFrame(buf: Buffer, off: number, len: number, out?: LinkFrame): LinkParse {
  const end = Math.min(off + len, buf.length);
  if (end - off < HEADER_LEN)
    return fail(Dnp3Error.TRUNCATED, `${Math.max(0, end - off)} bytes, header needs 10`);
  if (buf[off] !== START0 || buf[off + 1] !== START1) {
    return fail(Dnp3Error.BAD_START, `start octets 0x${hex2(buf[off]!)}${hex2(buf[off + 1]!)}`);
  }
  const l = buf[off + 2]!;
  if (l < MIN_LEN_FIELD) return fail(Dnp3Error.BAD_LENGTH, `LEN ${l} below 5`);
  if (crcDnp(buf, off, 8) !== buf.readUInt16LE(off + 8)) return fail(Dnp3Error.CRC_MISMATCH, 'header CRC');
  const size = frameSize(l);
  if (end - off < size) return fail(Dnp3Error.TRUNCATED, `frame of ${size} bytes, ${end - off} present`);
  const f = out ?? new LinkFrame();
  const n = l - MIN_LEN_FIELD;
  let p = off + HEADER_LEN;
  let q = 0;
  while (q < n) {
    const b = Math.min(BLOCK, n - q);
    if (crcDnp(buf, p, b) !== buf.readUInt16LE(p + b)) {
      return fail(Dnp3Error.CRC_MISMATCH, `data block ${q / BLOCK} CRC`);
    }
    buf.copy(f.data, q, p, p + b);
    q += b;
    p += b + 2;
  }
  f.size = size;
  f.control = buf[off + 3]!;
  f.dest = buf.readUInt16LE(off + 4);
  f.src = buf.readUInt16LE(off + 6);
  f.dataLen = n;
  return f;
}

/** Application header (§4.2.2): control, function code, IIN for responses, where objects start. */
export class AppHeader {
  readonly ok = true;
  control = 0;
  fc = 0;
  /** IIN1 << 8 | IIN2, or -1 for a request. */
  iin = -1;
  /** Offset of the first object header and the end of the fragment. */
  objOff = 0;
  end = 0;
  get fir(): boolean {
    return (this.control & 0x80) !== 0;
  }
  get fin(): boolean {
    return (this.control & 0x40) !== 0;
  }
  get con(): boolean {
    return (this.control & 0x20) !== 0;
  }
  get uns(): boolean {
    return (this.control & 0x10) !== 0;
  }
  get seq(): number {
    return this.control & 0x0f;
  }
  get response(): boolean {
    return this.fc >= Fc.RESPONSE;
  }
}

export type AppParse = AppHeader | Dnp3Fail;

/** Parse the application header of the fragment in `buf[off, off + len)`. */
export function parseAppHeader(buf: Buffer, off: number, len: number, out?: AppHeader): AppParse {
  const end = Math.min(off + len, buf.length);
  if (end - off < 2) return fail(Dnp3Error.BAD_APDU, `fragment of ${Math.max(0, end - off)} bytes`);
  const fc = buf[off + 1]!;
  const response = fc >= Fc.RESPONSE;
  if (response && end - off < 4) return fail(Dnp3Error.BAD_APDU, `response of ${end - off} bytes has no IIN`);
  const h = out ?? new AppHeader();
  h.control = buf[off]!;
  h.fc = fc;
  h.iin = response ? buf.readUInt16BE(off + 2) : -1;
  h.objOff = off + (response ? 4 : 2);
  h.end = end;
  return h;
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}
