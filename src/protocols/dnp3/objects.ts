/**
 * DNP3 object headers: group, variation, qualifier and range (IEEE 1815-2012 §4.2.2.7,
 * Tables 4-4/4-5), object sizes from the object library (Annex A), and the text that names
 * a request's target ("g12v1 CROB index 0 latch on", "g60v1 class 0").
 *
 * Pure, never throws. Objects whose size the table does not know stop the walk after their
 * header (the header is still named). Not decoded: point values, time stamps, data sets
 * (g85–g88), authentication objects (g120), virtual terminal contents.
 */
import {
  ATTR_VSTR,
  ATTRIBUTE_FACT,
  CROB_OP,
  CROB_TCC,
  Dnp3Error,
  FILE_MODE_NAME,
  G12_NAME,
  G70_NAME,
  G70V3_MODE,
  G70V3_NAME,
  G70V4_STATUS,
  GROUP_NAME,
  MAX_HEADERS,
  MAX_TARGET_HEADERS,
  MAX_TEXT,
  Prefix,
  Range,
} from './consts.js';
import type { Dnp3Fail } from './parse.js';

/**
 * Octets per object for group `g` variation `v`; a negative value is bits per object (packed,
 * no prefix); 0 when unknown; Infinity for g0 attributes (type, length, value each).
 */
export function objectSize(g: number, v: number): number {
  switch (g) {
    case 0:
      return v > 0 && v < 254 ? Number.POSITIVE_INFINITY : 0;
    case 1:
    case 10:
      return v === 1 ? -1 : v === 2 ? 1 : 0;
    case 3:
      return v === 1 ? -2 : v === 2 ? 1 : 0;
    case 2:
    case 4:
      return ([0, 1, 7, 3] as const)[v] ?? 0;
    case 11:
    case 13:
      return ([0, 1, 7] as const)[v] ?? 0;
    case 12:
      return v === 1 || v === 2 ? 11 : v === 3 ? -1 : 0;
    case 20:
      return ([0, 5, 3, 5, 3, 4, 2, 4, 2] as const)[v] ?? 0;
    case 21:
      return ([0, 5, 3, 5, 3, 11, 9, 11, 9, 4, 2, 4, 2] as const)[v] ?? 0;
    case 22:
    case 23:
      return ([0, 5, 3, 5, 3, 11, 9, 11, 9] as const)[v] ?? 0;
    case 30:
      return ([0, 5, 3, 4, 2, 5, 9] as const)[v] ?? 0;
    case 31:
      return ([0, 5, 3, 11, 9, 4, 2, 5, 9] as const)[v] ?? 0;
    case 32:
    case 33:
    case 42:
      return ([0, 5, 3, 11, 9, 5, 9, 11, 15] as const)[v] ?? 0;
    case 34:
      return ([0, 2, 4, 4] as const)[v] ?? 0;
    case 40:
    case 41:
      return ([0, 5, 3, 5, 9] as const)[v] ?? 0;
    case 43:
      return ([0, 6, 4, 12, 10, 6, 10, 12, 16] as const)[v] ?? 0;
    case 50:
      return ([0, 6, 10, 6, 11] as const)[v] ?? 0;
    case 51:
      return v === 1 || v === 2 ? 6 : 0;
    case 52:
      return v === 1 || v === 2 ? 2 : 0;
    case 80:
      return v === 1 ? -1 : 0;
    case 110:
    case 111:
    case 112:
    case 113:
      return v;
    default:
      return 0;
  }
}

/** One object header and where its objects lie. */
export class ObjectHeader {
  readonly ok = true;
  group = 0;
  variation = 0;
  qualifier = 0;
  /** Objects announced by the range field (0 for "all"). */
  count = 0;
  /** Start and stop for start/stop ranges, else -1. */
  start = -1;
  stop = -1;
  /** Offset of the first object (its prefix), and the next header's offset, -1 when unknown. */
  dataOff = 0;
  next = 0;
  /** Objects follow the header (and were checked to fit when `next` >= 0). */
  data = false;
  get prefix(): number {
    return (this.qualifier >>> 4) & 7;
  }
  get range(): number {
    return this.qualifier & 0x0f;
  }
}

const PREFIX_SIZE = [0, 1, 2, 4, 1, 2, 4, 0] as const;

function readUInt(buf: Buffer, p: number, n: number): number {
  return n === 1 ? buf[p]! : n === 2 ? buf.readUInt16LE(p) : buf.readUInt32LE(p);
}

/**
 * Read the object header at `buf[off]` (fragment ends at `end`). `withData`: the message
 * carries object data after headers (writes, controls, responses); size-prefixed objects
 * always do.
 */
export function readObjectHeader(
  buf: Buffer,
  off: number,
  end: number,
  withData: boolean,
  out: ObjectHeader,
): ObjectHeader | Dnp3Fail {
  if (end - off < 3) return bad(`object header cut at ${end - off} bytes`);
  const h = out;
  h.group = buf[off]!;
  h.variation = buf[off + 1]!;
  h.qualifier = buf[off + 2]!;
  h.start = h.stop = -1;
  h.data = false;
  let p = off + 3;
  const r = h.range;
  if (r <= Range.VIRT_START_STOP4) {
    const n = PREFIX_SIZE[(r % 3) + 1]!;
    if (p + 2 * n > end) return bad(`g${h.group}v${h.variation} range cut short`);
    h.start = readUInt(buf, p, n);
    h.stop = readUInt(buf, p + n, n);
    p += 2 * n;
    if (h.stop < h.start) return bad(`g${h.group}v${h.variation} range ${h.start}-${h.stop}`);
    h.count = h.stop - h.start + 1;
  } else if (r === Range.ALL) {
    h.count = 0;
  } else if (r >= Range.COUNT1 && r <= Range.COUNT4) {
    const n = PREFIX_SIZE[r - Range.COUNT1 + 1]!;
    if (p + n > end) return bad(`g${h.group}v${h.variation} count cut short`);
    h.count = readUInt(buf, p, n);
    p += n;
  } else if (r === Range.FREE_FORMAT) {
    if (p + 1 > end) return bad(`g${h.group}v${h.variation} count cut short`);
    h.count = buf[p]!;
    p += 1;
  } else {
    return bad(`g${h.group}v${h.variation} range code ${r}`);
  }
  h.dataOff = p;
  const pre = h.prefix;
  if (pre === 7) return bad(`g${h.group}v${h.variation} prefix code 7`);
  const sized = pre >= Prefix.SIZE1;
  if (h.count === 0 || h.group === 60 || !(withData || sized)) {
    h.next = p;
    return h;
  }
  const ps = PREFIX_SIZE[pre]!;
  h.data = true;
  if (sized) {
    for (let i = 0; i < h.count; i++) {
      if (p + ps > end) return bad(`g${h.group}v${h.variation} object ${i} size cut short`);
      p += ps + readUInt(buf, p, ps);
      if (p > end) return bad(`g${h.group}v${h.variation} object ${i} runs past the end`);
    }
    h.next = p;
    return h;
  }
  const size = objectSize(h.group, h.variation);
  if (size === Number.POSITIVE_INFINITY) {
    // g0 attributes: data type, length, value.
    for (let i = 0; i < h.count; i++) {
      if (p + ps + 2 > end) return bad(`g0v${h.variation} attribute ${i} cut short`);
      p += ps + 2 + buf[p + ps + 1]!;
      if (p > end) return bad(`g0v${h.variation} attribute ${i} runs past the end`);
    }
  } else if (size < 0) {
    if (ps !== 0) {
      h.next = -1;
      return h;
    }
    p += Math.ceil((h.count * -size) / 8);
  } else if (size > 0) {
    p += h.count * (ps + size);
  } else {
    h.next = -1;
    return h;
  }
  if (p > end) return bad(`g${h.group}v${h.variation}: ${h.count} objects run past the end`);
  h.next = p;
  return h;
}

function bad(detail: string): Dnp3Fail {
  return { ok: false, code: Dnp3Error.BAD_OBJECT, detail };
}

export interface Described {
  /** Undefined when the message has no object headers. */
  target?: string;
  /** First g50 / g70 group seen (time writes are control, file writes program). */
  groups: number;
  /** g70v3 file command mode, -1 when none. */
  fileMode: number;
  error?: Dnp3Fail;
}

/** Bit flags for `Described.groups`. */
export const HAS_TIME = 1;
export const HAS_FILE = 2;

/** Names the objects of a request (or unsolicited response) in `buf[off, end)`. */
export function describeObjects(buf: Buffer, off: number, end: number, withData: boolean): Described {
  const d: Described = { groups: 0, fileMode: -1 };
  const h = new ObjectHeader();
  const parts: string[] = [];
  let more = 0;
  let p = off;
  for (let n = 0; n < MAX_HEADERS && p < end; n++) {
    const r = readObjectHeader(buf, p, end, withData, h);
    if (!r.ok) {
      d.error = r;
      break;
    }
    if (h.group === 50) d.groups |= HAS_TIME;
    if (h.group === 70) d.groups |= HAS_FILE;
    if (h.group === 70 && h.variation === 3 && d.fileMode < 0) d.fileMode = fileModeOf(buf, h);
    if (parts.length < MAX_TARGET_HEADERS) parts.push(nameHeader(buf, h));
    else more++;
    if (h.next < 0) break;
    p = h.next;
  }
  if (parts.length > 0) d.target = more > 0 ? `${parts.join(', ')} (+${more} more)` : parts.join(', ');
  return d;
}

function groupName(g: number, v: number): string {
  if (g === 12) return G12_NAME[v] ?? 'CROB';
  if (g === 70) return G70_NAME[v] ?? 'file';
  if (g === 60) return v >= 1 && v <= 4 ? `class ${v - 1}` : 'class';
  return GROUP_NAME[g] ?? 'object';
}

/** "g12v1 CROB index 0 latch on", "g1v2 binary input index 0-9", "g60v1 class 0". */
export function nameHeader(buf: Buffer, h: ObjectHeader): string {
  let s = `g${h.group}v${h.variation} ${groupName(h.group, h.variation)}`;
  const pre = h.prefix;
  const r = h.range;
  if (h.start >= 0) s += h.start === h.stop ? ` index ${h.start}` : ` index ${h.start}-${h.stop}`;
  else if (r === Range.ALL) s += h.group === 60 ? '' : ' all';
  else if (pre >= Prefix.INDEX1 && pre <= Prefix.INDEX4)
    s += h.data && h.next >= 0 ? indexList(buf, h) : ` count ${h.count}`;
  else if (pre === Prefix.NONE && r !== Range.FREE_FORMAT) s += ` count ${h.count}`;
  if (h.group === 12 && h.variation === 1 && h.data && h.next >= 0) {
    const at = h.dataOff + PREFIX_SIZE[pre]!;
    const code = buf[at]!;
    const op = CROB_OP[code & 0x0f] ?? `code 0x${code.toString(16)}`;
    const tcc = CROB_TCC[code >>> 6]!;
    s += tcc ? ` ${tcc} ${op}` : ` ${op}`;
  }
  if (h.group === 70 && h.variation === 3 && h.count > 0) {
    const name = fileNameOf(buf, h);
    const mode = fileModeOf(buf, h);
    if (name) s += ` ${name}`;
    if (mode >= 0) s += ` (${FILE_MODE_NAME[mode] ?? `mode ${mode}`})`;
  }
  return s;
}

function indexList(buf: Buffer, h: ObjectHeader): string {
  const ps = PREFIX_SIZE[h.prefix]!;
  const size = objectSize(h.group, h.variation);
  if (!(size > 0 && size < Number.POSITIVE_INFINITY) || h.count === 0) return ` count ${h.count}`;
  let lo = Number.MAX_SAFE_INTEGER;
  let hi = -1;
  for (let i = 0, p = h.dataOff; i < h.count; i++, p += ps + size) {
    const x = readUInt(buf, p, ps);
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  if (h.count === 1) return ` index ${lo}`;
  const span = ` index ${lo}-${hi}`;
  return h.count === hi - lo + 1 ? span : `${span} (${h.count} points)`;
}

/** The first g70v3 object: where it starts and how long it is, or -1. */
function firstSized(buf: Buffer, h: ObjectHeader): [number, number] {
  const ps = PREFIX_SIZE[h.prefix]!;
  if (h.prefix < Prefix.SIZE1 || !h.data || h.next < 0) return [-1, 0];
  return [h.dataOff + ps, readUInt(buf, h.dataOff, ps)];
}

function fileModeOf(buf: Buffer, h: ObjectHeader): number {
  const [at, size] = firstSized(buf, h);
  return at >= 0 && size >= G70V3_MODE + 2 ? buf.readUInt16LE(at + G70V3_MODE) : -1;
}

function fileNameOf(buf: Buffer, h: ObjectHeader): string | undefined {
  const [at, size] = firstSized(buf, h);
  if (at < 0 || size < G70V3_NAME) return undefined;
  const nameOff = buf.readUInt16LE(at);
  const nameLen = buf.readUInt16LE(at + 2);
  if (nameOff < G70V3_NAME || nameOff + nameLen > size || nameLen === 0) return undefined;
  return visible(buf, at + nameOff, at + nameOff + Math.min(nameLen, MAX_TEXT));
}

/** Printable ASCII text of `buf[from, to)`, other octets as '?'; undefined when empty. */
export function visible(buf: Buffer, from: number, to: number): string | undefined {
  let s = '';
  for (let i = from; i < to; i++) {
    const c = buf[i]!;
    if (c === 0) break;
    s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '?';
  }
  s = s.trim();
  return s === '' ? undefined : s;
}

export interface ResponseInfo {
  /** Status of the first CROB / analog output / file status object, -1 when none. */
  status: number;
  /** g0 attribute facts (fact key → text). */
  attributes?: Record<string, string>;
}

/** What a response's objects say about the outcome of a control and the device's identity. */
export function responseInfo(buf: Buffer, off: number, end: number): ResponseInfo {
  const info: ResponseInfo = { status: -1 };
  const h = new ObjectHeader();
  let p = off;
  for (let n = 0; n < MAX_HEADERS && p < end; n++) {
    const r = readObjectHeader(buf, p, end, true, h);
    if (!r.ok || !h.data) break;
    const ps = PREFIX_SIZE[h.prefix]!;
    if (n === 0) {
      const at = h.dataOff + ps;
      if (h.group === 12 && (h.variation === 1 || h.variation === 2)) info.status = buf[at + 10]! & 0x7f;
      else if (h.group === 41 && h.variation >= 1 && h.variation <= 4) {
        info.status = buf[at + objectSize(41, h.variation) - 1]! & 0x7f;
      } else if (h.group === 70 && h.variation === 4 && h.prefix >= Prefix.SIZE1) {
        if (readUInt(buf, h.dataOff, ps) > G70V4_STATUS) info.status = buf[at + G70V4_STATUS]!;
      }
    }
    if (h.group === 0 && h.prefix === Prefix.NONE && h.start >= 0) attributes(buf, h, info);
    else if (n === 0 && h.group !== 0) break;
    if (h.next < 0) break;
    p = h.next;
  }
  return info;
}

/** g0 objects with start/stop = the attribute variation (§A.1): visible strings we know. */
function attributes(buf: Buffer, h: ObjectHeader, info: ResponseInfo): void {
  let p = h.dataOff;
  for (let i = 0; i < h.count; i++) {
    const type = buf[p]!;
    const len = buf[p + 1]!;
    const key = ATTRIBUTE_FACT[h.variation];
    if (key !== undefined && type === ATTR_VSTR) {
      const text = visible(buf, p + 2, p + 2 + Math.min(len, MAX_TEXT));
      if (text !== undefined) {
        info.attributes ??= {};
        info.attributes[key] = text;
      }
    }
    p += 2 + len;
  }
}
