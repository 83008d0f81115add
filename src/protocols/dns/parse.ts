/**
 * DNS message parser for unicast DNS, mDNS and LLMNR: one wire format.
 *
 * Spec: RFC 1035 §4.1 (header, question, resource record), §3.3 (CNAME, NS, PTR, HINFO, TXT
 * RDATA), §3.4.1 (A); RFC 3596 §2.2 (AAAA); RFC 2782 (SRV); RFC 6762 §10.2, §18.12 (mDNS class
 * bits); RFC 4795 §2.1.1 (LLMNR header: the AA bit is LLMNR's C flag and is read as such).
 *
 * Pure: bytes in, a message or an error value out; never throws. Bounded: at most MAX_QUESTIONS
 * questions and MAX_RECORDS records are kept (the rest are counted as `omitted`).
 * Not parsed: RDATA of other types (kept as type + length), EDNS options (RFC 6891), DNSSEC
 * records, TSIG, and the prerequisite/update semantics of UPDATE messages (RFC 2136).
 */
import { ipv4FromBytes, ipv6FromBytes } from '../../events/format.js';
import {
  DnsError,
  type DnsErrorCode,
  DnsType,
  HEADER_LEN,
  MAX_QUESTIONS,
  MAX_RECORDS,
  MAX_TEXT,
  MAX_TXT_STRINGS,
  MDNS_CLASS_TOP_BIT,
} from './consts.js';
import { cleanText, readName } from './name.js';

export type Section = 'answer' | 'authority' | 'additional';

export type RData =
  | { kind: 'address'; ip: string }
  | { kind: 'name'; name: string }
  | { kind: 'srv'; priority: number; weight: number; port: number; target: string }
  | { kind: 'txt'; strings: string[] }
  | { kind: 'hinfo'; cpu: string; os: string }
  | { kind: 'other'; length: number };

export interface DnsQuestion {
  name: string;
  type: number;
  /** Class without the mDNS unicast-response bit. */
  cls: number;
  /** mDNS "QU" bit (RFC 6762 §5.4). */
  unicastResponse: boolean;
}

export interface DnsRecord {
  section: Section;
  name: string;
  type: number;
  /** Class without the mDNS cache-flush bit. */
  cls: number;
  cacheFlush: boolean;
  ttl: number;
  data: RData;
}

export interface DnsMessage {
  id: number;
  response: boolean;
  opcode: number;
  /** AA; LLMNR calls this bit C (conflict). */
  authoritative: boolean;
  truncated: boolean;
  recursionDesired: boolean;
  rcode: number;
  questions: DnsQuestion[];
  records: DnsRecord[];
  /** Questions and records the header announced but the limits left out. */
  omitted: number;
}

export type DnsParse = { ok: true; msg: DnsMessage } | { ok: false; code: DnsErrorCode; detail: string };

const SECTIONS: readonly Section[] = ['answer', 'authority', 'additional'];

function fail(code: DnsErrorCode, detail: string): DnsParse {
  return { ok: false, code, detail };
}

/** Parse the DNS message in `buf[off, off + len)`. */
export function parseDns(buf: Buffer, off: number, len: number): DnsParse {
  const base = off;
  const end = Math.min(off + len, buf.length);
  if (end - base < HEADER_LEN)
    return fail(DnsError.TOO_SHORT, `${end - base} bytes, header needs ${HEADER_LEN}`);
  const flags = buf.readUInt16BE(base + 2);
  const counts = [
    buf.readUInt16BE(base + 4),
    buf.readUInt16BE(base + 6),
    buf.readUInt16BE(base + 8),
    buf.readUInt16BE(base + 10),
  ] as const;
  const msg: DnsMessage = {
    id: buf.readUInt16BE(base),
    response: (flags & 0x8000) !== 0,
    opcode: (flags >>> 11) & 0xf,
    authoritative: (flags & 0x0400) !== 0,
    truncated: (flags & 0x0200) !== 0,
    recursionDesired: (flags & 0x0100) !== 0,
    rcode: flags & 0xf,
    questions: [],
    records: [],
    omitted: 0,
  };
  let pos = base + HEADER_LEN;
  for (let i = 0; i < counts[0]; i++) {
    if (msg.questions.length >= MAX_QUESTIONS) {
      // Later sections cannot be located without walking every question: stop here.
      msg.omitted = counts[0] - i + counts[1] + counts[2] + counts[3];
      return { ok: true, msg };
    }
    if (pos >= end && msg.truncated) return { ok: true, msg };
    const n = readName(buf, base, end, pos);
    if (!n.ok) return fail(n.code, `question ${i + 1}: ${n.detail}`);
    if (n.next + 4 > end) return fail(DnsError.TRUNCATED, `question ${i + 1} cut short`);
    const cls = buf.readUInt16BE(n.next + 2);
    msg.questions.push({
      name: n.name,
      type: buf.readUInt16BE(n.next),
      cls: cls & ~MDNS_CLASS_TOP_BIT,
      unicastResponse: (cls & MDNS_CLASS_TOP_BIT) !== 0,
    });
    pos = n.next + 4;
  }
  for (let s = 0; s < 3; s++) {
    const count = counts[s + 1]!;
    for (let i = 0; i < count; i++) {
      if (msg.records.length >= MAX_RECORDS) {
        msg.omitted = count - i + (s < 1 ? counts[2] : 0) + (s < 2 ? counts[3] : 0);
        return { ok: true, msg };
      }
      // A server that set TC may stop at a record boundary (RFC 2181 §9): keep what came.
      if (pos >= end && msg.truncated) return { ok: true, msg };
      const r = readRecord(buf, base, end, pos, SECTIONS[s]!);
      if (!r.ok) return fail(r.code, `${SECTIONS[s]} record ${i + 1}: ${r.detail}`);
      msg.records.push(r.record);
      pos = r.next;
    }
  }
  return { ok: true, msg };
}

type RecordRead =
  | { ok: true; record: DnsRecord; next: number }
  | { ok: false; code: DnsErrorCode; detail: string };

function readRecord(buf: Buffer, base: number, end: number, pos: number, section: Section): RecordRead {
  const n = readName(buf, base, end, pos);
  if (!n.ok) return n;
  const h = n.next;
  if (h + 10 > end) return { ok: false, code: DnsError.TRUNCATED, detail: 'record header cut short' };
  const type = buf.readUInt16BE(h);
  const cls = buf.readUInt16BE(h + 2);
  const ttl = buf.readUInt32BE(h + 4);
  const rdlen = buf.readUInt16BE(h + 8);
  const rd = h + 10;
  if (rd + rdlen > end)
    return { ok: false, code: DnsError.TRUNCATED, detail: `rdata of ${rdlen} bytes cut short` };
  const data = readRData(buf, base, rd, rd + rdlen, type);
  if (typeof data === 'string')
    return { ok: false, code: DnsError.BAD_RDATA, detail: `type ${type}: ${data}` };
  if ('code' in data) return { ok: false, code: data.code, detail: `type ${type}: ${data.detail}` };
  // OPT (RFC 6891 §6.1.2) reuses CLASS as the UDP payload size: no cache-flush bit there.
  const top = type !== DnsType.OPT && (cls & MDNS_CLASS_TOP_BIT) !== 0;
  return {
    ok: true,
    record: {
      section,
      name: n.name,
      type,
      cls: top ? cls & ~MDNS_CLASS_TOP_BIT : cls,
      cacheFlush: top,
      ttl,
      data,
    },
    next: rd + rdlen,
  };
}

/** RDATA of `buf[start, end)`: the value, a reason string for a bad shape, or a name error. */
function readRData(
  buf: Buffer,
  base: number,
  start: number,
  end: number,
  type: number,
): RData | string | { code: DnsErrorCode; detail: string } {
  const len = end - start;
  // RFC 2136 §2.4, §2.5: UPDATE prerequisites and deletions carry empty RDATA of any type.
  if (len === 0) return { kind: 'other', length: 0 };
  switch (type) {
    case DnsType.A:
      return len === 4 ? { kind: 'address', ip: ipv4FromBytes(buf, start) } : `A of ${len} bytes`;
    case DnsType.AAAA:
      return len === 16 ? { kind: 'address', ip: ipv6FromBytes(buf, start) } : `AAAA of ${len} bytes`;
    case DnsType.NS:
    case DnsType.CNAME:
    case DnsType.PTR:
    case DnsType.DNAME: {
      // The name may point back into the message, but its own bytes must stay inside RDATA.
      const n = readName(buf, base, end, start);
      if (!n.ok)
        return { code: n.code === 'truncated' ? DnsError.BAD_RDATA : DnsError.BAD_NAME, detail: n.detail };
      return { kind: 'name', name: n.name };
    }
    case DnsType.SRV: {
      if (len < 7) return `SRV of ${len} bytes`;
      const n = readName(buf, base, end, start + 6);
      if (!n.ok)
        return { code: n.code === 'truncated' ? DnsError.BAD_RDATA : DnsError.BAD_NAME, detail: n.detail };
      return {
        kind: 'srv',
        priority: buf.readUInt16BE(start),
        weight: buf.readUInt16BE(start + 2),
        port: buf.readUInt16BE(start + 4),
        target: n.name,
      };
    }
    case DnsType.TXT: {
      const strings: string[] = [];
      let p = start;
      while (p < end) {
        const l = buf[p]!;
        if (p + 1 + l > end) return 'TXT string runs past the record';
        if (strings.length < MAX_TXT_STRINGS) strings.push(cleanText(buf, p + 1, p + 1 + l, MAX_TEXT));
        p += 1 + l;
      }
      return { kind: 'txt', strings };
    }
    case DnsType.HINFO: {
      const a = start < end ? buf[start]! : -1;
      if (a < 0 || start + 1 + a >= end) return 'HINFO cut short';
      const b = buf[start + 1 + a]!;
      if (start + 2 + a + b > end) return 'HINFO cut short';
      return {
        kind: 'hinfo',
        cpu: cleanText(buf, start + 1, start + 1 + a, MAX_TEXT),
        os: cleanText(buf, start + 2 + a, start + 2 + a + b, MAX_TEXT),
      };
    }
    default:
      return { kind: 'other', length: len };
  }
}

/** The 2-byte length prefix of DNS over TCP (RFC 1035 §4.2.2), for StreamFramer. */
export function measureTcpDns(buf: Buffer, off: number, avail: number): number {
  return avail < 2 ? 0 : 2 + buf.readUInt16BE(off);
}

/**
 * The address a reverse-lookup name stands for (RFC 1035 §3.5 in-addr.arpa, RFC 3596 §2.5
 * ip6.arpa), or undefined when the name is not a complete reverse name.
 */
export function reverseNameToIp(name: string): string | undefined {
  const lower = name.toLowerCase();
  if (lower.endsWith('.in-addr.arpa')) {
    const parts = lower.slice(0, -'.in-addr.arpa'.length).split('.');
    if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255))
      return undefined;
    return parts.reverse().join('.');
  }
  if (lower.endsWith('.ip6.arpa')) {
    const nibbles = lower.slice(0, -'.ip6.arpa'.length).split('.');
    if (nibbles.length !== 32 || !nibbles.every((n) => /^[0-9a-f]$/.test(n))) return undefined;
    const hex = nibbles.reverse().join('');
    const b = Buffer.from(hex, 'hex');
    return ipv6FromBytes(b, 0);
  }
  return undefined;
}
