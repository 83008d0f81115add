/**
 * A small BER reader (ITU-T X.690 §8.1: identifier octets with high tag numbers, definite
 * short/long lengths up to 4 octets, indefinite length) for walking the OSI upper layers and
 * MMS PDUs without allocating: every read fills a caller's `Tlv`. Bounded: an element never
 * extends past its container, multi-octet tags and lengths are capped, child scans stop after
 * MAX_CHILDREN. Never throws.
 */

export const MAX_CHILDREN = 256;

/** Identifier classes (X.690 §8.1.2.2), as the top two bits of the first identifier octet. */
export const Cls = { UNIVERSAL: 0x00, APPLICATION: 0x40, CONTEXT: 0x80, PRIVATE: 0xc0 } as const;

export class Tlv {
  /** Class bits (Cls.*). */
  cls = 0;
  constructed = false;
  /** Tag number. */
  tag = 0;
  /** Value start and end (end = start + length; for indefinite length, the container's end). */
  off = 0;
  end = 0;
  /** Offset of the element's first octet and the octet after it. */
  start = 0;
  next = 0;
}

/** Reads the element at `off` (not past `limit`) into `t`; false when malformed or cut short. */
export function readTlv(buf: Buffer, off: number, limit: number, t: Tlv): boolean {
  const lim = Math.min(limit, buf.length);
  if (off + 2 > lim) return false;
  const id = buf[off]!;
  let p = off + 1;
  let tag = id & 0x1f;
  if (tag === 0x1f) {
    tag = 0;
    for (let i = 0; ; i++) {
      if (p >= lim || i === 4) return false;
      const b = buf[p++]!;
      tag = tag * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
  }
  if (p >= lim) return false;
  const l0 = buf[p++]!;
  let len: number;
  let indefinite = false;
  if (l0 < 0x80) len = l0;
  else if (l0 === 0x80) {
    if ((id & 0x20) === 0) return false; // only constructed elements may be indefinite
    indefinite = true;
    len = lim - p;
  } else {
    const n = l0 & 0x7f;
    if (n > 4 || p + n > lim) return false;
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p++]!;
  }
  if (p + len > lim) return false;
  t.cls = id & 0xc0;
  t.constructed = (id & 0x20) !== 0;
  t.tag = tag;
  t.start = off;
  t.off = p;
  t.end = p + len;
  // An indefinite element runs to its end-of-contents octets; here, to the container's end.
  t.next = indefinite ? lim : p + len;
  return true;
}

/** Finds the first child of `[off, end)` with class and tag into `t`. */
export function findChild(buf: Buffer, off: number, end: number, cls: number, tag: number, t: Tlv): boolean {
  let p = off;
  for (let i = 0; i < MAX_CHILDREN && p < end; i++) {
    if (buf[p] === 0 && p + 1 < end && buf[p + 1] === 0) return false; // end-of-contents
    if (!readTlv(buf, p, end, t)) return false;
    if (t.cls === cls && t.tag === tag) return true;
    p = t.next;
  }
  return false;
}

/** A non-negative INTEGER value (up to 6 octets), or -1. */
export function uint(buf: Buffer, t: Tlv): number {
  const n = t.end - t.off;
  if (n < 1 || n > 6 || (buf[t.off]! & 0x80) !== 0) return -1;
  let v = 0;
  for (let i = t.off; i < t.end; i++) v = v * 256 + buf[i]!;
  return v;
}

/** A string value (VisibleString, GraphicString, UTF8String…) without control characters, capped. */
export function text(buf: Buffer, t: Tlv, max = 128): string {
  return textAt(buf, t.off, t.end, max);
}

/** The same for the octets `[off, end)` (an IMPLICIT string that is a whole service value). */
export function textAt(buf: Buffer, off: number, end: number, max = 128): string {
  const stop = Math.min(end, off + max, buf.length);
  let s = '';
  for (let i = off; i < stop; i++) {
    const c = buf[i]!;
    if (c >= 0x80) return printable(buf.toString('utf8', off, stop));
    if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
  }
  return s;
}

/** Drops control characters and replacement characters from decoded text. */
function printable(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c >= 0x20 && c !== 0x7f && c !== 0xfffd) out += ch;
  }
  return out;
}
