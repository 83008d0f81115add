/**
 * BACnet tag decoding (ANSI/ASHRAE 135-2020 §20.2.1): application and context tags, extended
 * tag numbers and lengths, opening/closing tags; and the primitive values the analyzer reads
 * (Unsigned §20.2.4, Enumerated §20.2.11, CharacterString §20.2.9, BACnetObjectIdentifier
 * §20.2.14). Pure, bounded, never throws. Not decoded: Real/Double, dates, times, bit strings.
 */
import { AppTag, Charset, MAX_TEXT } from './consts.js';

/** One tag; `val` is the offset of its contents and `next` the offset after them. */
export class Tag {
  num = 0;
  context = false;
  open = false;
  close = false;
  /** Contents length; for an application Boolean, its value. */
  len = 0;
  val = 0;
  next = 0;
}

/** Read the tag at `buf[p]` into `t`; false when it is malformed or runs past `end`. */
export function readTag(buf: Buffer, p: number, end: number, t: Tag): boolean {
  if (p >= end) return false;
  const b = buf[p++]!;
  t.num = b >>> 4;
  t.context = (b & 0x08) !== 0;
  const lvt = b & 0x07;
  t.open = t.close = false;
  if (t.num === 15) {
    if (p >= end) return false;
    t.num = buf[p++]!;
  }
  let len = lvt;
  if (t.context && lvt === 6) {
    t.open = true;
    len = 0;
  } else if (t.context && lvt === 7) {
    t.close = true;
    len = 0;
  } else if (!t.context && t.num === AppTag.BOOLEAN) {
    t.len = lvt;
    t.val = t.next = p;
    return true;
  } else if (lvt === 5) {
    if (p >= end) return false;
    len = buf[p++]!;
    if (len === 254) {
      if (p + 2 > end) return false;
      len = buf.readUInt16BE(p);
      p += 2;
    } else if (len === 255) {
      if (p + 4 > end) return false;
      len = buf.readUInt32BE(p);
      p += 4;
    }
  }
  if (p + len > end) return false;
  t.len = len;
  t.val = p;
  t.next = p + len;
  return true;
}

/** Unsigned / Enumerated contents (big-endian, up to 6 octets; longer values give -1). */
export function readUnsigned(buf: Buffer, off: number, len: number): number {
  if (len < 1 || len > 6) return -1;
  return buf.readUIntBE(off, len);
}

/** BACnetObjectIdentifier: type in the top 10 bits, instance in the low 22. */
export function objectType(buf: Buffer, off: number): number {
  return buf.readUInt32BE(off) >>> 22;
}

export function objectInstance(buf: Buffer, off: number): number {
  return buf.readUInt32BE(off) & 0x3fffff;
}

/**
 * CharacterString contents (charset octet, then the text) as a string of at most MAX_TEXT
 * characters with control characters dropped; undefined when empty or in a charset we do not
 * decode (DBCS, JIS X 0208).
 */
export function readCharString(buf: Buffer, off: number, len: number): string | undefined {
  if (len < 1) return undefined;
  const cs = buf[off]!;
  const from = off + 1;
  const to = off + len;
  let s: string;
  if (cs === Charset.UTF8) s = buf.toString('utf8', from, Math.min(to, from + MAX_TEXT * 4));
  else if (cs === Charset.ISO8859_1) s = buf.toString('latin1', from, Math.min(to, from + MAX_TEXT));
  else if (cs === Charset.UCS2 || cs === Charset.UCS4) {
    const w = cs === Charset.UCS2 ? 2 : 4;
    s = '';
    for (let p = from; p + w <= to && s.length < MAX_TEXT; p += w) {
      const c = w === 2 ? buf.readUInt16BE(p) : buf.readUInt32BE(p);
      if (c <= 0x10ffff && (c < 0xd800 || c > 0xdfff)) s += String.fromCodePoint(c);
    }
  } else return undefined;
  let clean = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c >= 0x20 && c !== 0x7f && c !== 0xfffd) clean += ch;
    if (clean.length >= MAX_TEXT) break;
  }
  clean = clean.trim();
  return clean === '' ? undefined : clean;
}
