/**
 * NetBIOS Name Service parser (udp 137).
 *
 * Spec: RFC 1002 §4.2.1 (DNS-like header, question and resource record layout; names may be
 * compressed as in RFC 1035 §4.1.4), §4.2.1.3 (NB RDATA: NB_FLAGS + address entries),
 * §4.2.18 (NBSTAT RDATA: node name table, then statistics starting with the unit id);
 * RFC 1001 §14.1 (first-level encoding: each half-byte as 'A' + nibble, 32 characters).
 *
 * Pure: bytes in, a message or an error value out; never throws; names and entries capped.
 * Not parsed: statistics after the unit id, NULL / NS / A RDATA (kept as length), WACK
 * timing, and the session (139) and datagram (138) services.
 */
import { ipv4FromBytes, macFromBytes } from '../../events/format.js';
import { readName } from '../dns/name.js';
import {
  ENCODED_LEN,
  FLAG_BROADCAST,
  MAX_NB_ENTRIES,
  MAX_NODE_NAMES,
  MAX_QUESTIONS,
  MAX_RECORDS,
  NAME_ACTIVE,
  NB_GROUP,
  NbnsError,
  type NbnsErrorCode,
  NbType,
} from './consts.js';

export interface NbName {
  /** The 15-character name, trailing spaces removed; `*` for the wildcard. */
  name: string;
  /** The 16th byte (name type: 0x00 workstation, 0x20 server, 0x1c domain controllers...). */
  suffix: number;
  /** NetBIOS scope (the DNS-style labels after the encoded name), if any. */
  scope?: string;
}

export type NbnsRData =
  | { kind: 'nb'; entries: { group: boolean; ont: number; ip: string }[] }
  | {
      kind: 'nbstat';
      names: { name: string; suffix: number; group: boolean; active: boolean }[];
      /** The unit id (usually the adapter's MAC), when the statistics are present. */
      unitId?: string;
    }
  | { kind: 'other'; length: number };

export interface NbnsRecord {
  section: 'answer' | 'authority' | 'additional';
  name: NbName;
  type: number;
  ttl: number;
  data: NbnsRData;
}

export interface NbnsMessage {
  id: number;
  response: boolean;
  opcode: number;
  authoritative: boolean;
  broadcast: boolean;
  rcode: number;
  questions: { name: NbName; type: number }[];
  records: NbnsRecord[];
}

export type NbnsParse = { ok: true; msg: NbnsMessage } | { ok: false; code: NbnsErrorCode; detail: string };

type Fail = { ok: false; code: NbnsErrorCode; detail: string };

const SECTIONS = ['answer', 'authority', 'additional'] as const;

/** Parse the NBNS message in `buf[off, off + len)`. */
export function parseNbns(buf: Buffer, off: number, len: number): NbnsParse {
  const base = off;
  const end = Math.min(off + len, buf.length);
  if (end - base < 12) return { ok: false, code: NbnsError.TOO_SHORT, detail: `${end - base} bytes` };
  const flags = buf.readUInt16BE(base + 2);
  const msg: NbnsMessage = {
    id: buf.readUInt16BE(base),
    response: (flags & 0x8000) !== 0,
    opcode: (flags >>> 11) & 0xf,
    authoritative: (flags & 0x0400) !== 0,
    broadcast: (flags & FLAG_BROADCAST) !== 0,
    rcode: flags & 0xf,
    questions: [],
    records: [],
  };
  const qd = buf.readUInt16BE(base + 4);
  let pos = base + 12;
  for (let i = 0; i < qd && i < MAX_QUESTIONS; i++) {
    const n = nbName(buf, base, end, pos);
    if (!n.ok) return n;
    if (n.next + 4 > end)
      return { ok: false, code: NbnsError.TRUNCATED, detail: `question ${i + 1} cut short` };
    msg.questions.push({ name: n.name, type: buf.readUInt16BE(n.next) });
    pos = n.next + 4;
  }
  if (qd > MAX_QUESTIONS) return { ok: true, msg };
  for (let s = 0; s < 3; s++) {
    const count = buf.readUInt16BE(base + 6 + s * 2);
    for (let i = 0; i < count; i++) {
      if (msg.records.length >= MAX_RECORDS) return { ok: true, msg };
      const n = nbName(buf, base, end, pos);
      if (!n.ok) return n;
      const h = n.next;
      if (h + 10 > end)
        return { ok: false, code: NbnsError.TRUNCATED, detail: `${SECTIONS[s]} record ${i + 1} cut short` };
      const type = buf.readUInt16BE(h);
      const rdlen = buf.readUInt16BE(h + 8);
      const rd = h + 10;
      if (rd + rdlen > end)
        return { ok: false, code: NbnsError.TRUNCATED, detail: `rdata of ${rdlen} bytes cut short` };
      const data = rdata(buf, rd, rd + rdlen, type);
      if (typeof data === 'string') return { ok: false, code: NbnsError.BAD_RDATA, detail: data };
      msg.records.push({ section: SECTIONS[s]!, name: n.name, type, ttl: buf.readUInt32BE(h + 4), data });
      pos = rd + rdlen;
    }
  }
  return { ok: true, msg };
}

/** An encoded NetBIOS name (RFC 1001 §14.1) plus scope, through the DNS name reader. */
function nbName(
  buf: Buffer,
  base: number,
  end: number,
  pos: number,
): { ok: true; name: NbName; next: number } | Fail {
  const r = readName(buf, base, end, pos);
  if (!r.ok)
    return {
      ok: false,
      code: r.code === 'truncated' ? NbnsError.TRUNCATED : NbnsError.BAD_NAME,
      detail: r.detail,
    };
  const dot = r.name.indexOf('.');
  const first = dot < 0 ? r.name : r.name.slice(0, dot);
  const decoded = decodeName(first);
  if (!decoded)
    return {
      ok: false,
      code: NbnsError.BAD_NAME,
      detail: `"${first.slice(0, 40)}" is not an encoded NetBIOS name`,
    };
  const name: NbName = { name: decoded.name, suffix: decoded.suffix };
  if (dot >= 0) name.scope = r.name.slice(dot + 1);
  return { ok: true, name, next: r.next };
}

/** RFC 1001 §14.1 first-level decoding of a 32-character label; undefined when malformed. */
export function decodeName(label: string): { name: string; suffix: number } | undefined {
  if (label.length !== ENCODED_LEN) return undefined;
  const bytes = Buffer.alloc(16);
  for (let i = 0; i < 16; i++) {
    const hi = label.charCodeAt(2 * i) - 0x41;
    const lo = label.charCodeAt(2 * i + 1) - 0x41;
    // Encoded characters are 'A'..'P'; lower case is tolerated as some stacks send it.
    const h = hi >= 0x20 ? hi - 0x20 : hi;
    const l = lo >= 0x20 ? lo - 0x20 : lo;
    if (h < 0 || h > 15 || l < 0 || l > 15) return undefined;
    bytes[i] = (h << 4) | l;
  }
  return { name: nameText(bytes, 0), suffix: bytes[15]! };
}

/** The first 15 bytes of a NetBIOS name as text: trailing spaces/NULs trimmed, controls dropped. */
function nameText(b: Buffer, at: number): string {
  let end = at + 15;
  while (end > at && (b[end - 1] === 0x20 || b[end - 1] === 0)) end--;
  let s = '';
  for (let i = at; i < end; i++) {
    const c = b[i]!;
    s += c < 0x20 || c === 0x7f ? '?' : String.fromCharCode(c);
  }
  return s;
}

function rdata(buf: Buffer, start: number, end: number, type: number): NbnsRData | string {
  if (type === NbType.NB) {
    // A negative response may carry no entries; otherwise entries are 6 bytes each.
    if ((end - start) % 6 !== 0) return `NB rdata of ${end - start} bytes`;
    const entries: { group: boolean; ont: number; ip: string }[] = [];
    for (let p = start; p + 6 <= end && entries.length < MAX_NB_ENTRIES; p += 6) {
      const f = buf.readUInt16BE(p);
      entries.push({ group: (f & NB_GROUP) !== 0, ont: (f >>> 13) & 3, ip: ipv4FromBytes(buf, p + 2) });
    }
    return { kind: 'nb', entries };
  }
  if (type === NbType.NBSTAT) {
    if (end - start < 1) return 'NBSTAT rdata empty';
    const count = buf[start]!;
    if (start + 1 + count * 18 > end) return `NBSTAT claims ${count} names in ${end - start} bytes`;
    const names: { name: string; suffix: number; group: boolean; active: boolean }[] = [];
    for (let i = 0; i < count && i < MAX_NODE_NAMES; i++) {
      const p = start + 1 + i * 18;
      const f = buf.readUInt16BE(p + 16);
      names.push({
        name: nameText(buf, p),
        suffix: buf[p + 15]!,
        group: (f & NB_GROUP) !== 0,
        active: (f & NAME_ACTIVE) !== 0,
      });
    }
    const stats = start + 1 + count * 18;
    const out: NbnsRData = { kind: 'nbstat', names };
    if (stats + 6 <= end) out.unitId = macFromBytes(buf, stats);
    return out;
  }
  return { kind: 'other', length: end - start };
}
