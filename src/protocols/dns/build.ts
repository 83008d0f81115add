/**
 * DNS / mDNS / LLMNR message builder (RFC 1035 §4.1 wire format, §4.1.4 name compression) for
 * the project's own traces: golden tests and the plant simulator. Not on the capture path.
 *
 * Writes A, AAAA, NS/CNAME/PTR/DNAME, SRV, TXT and HINFO RDATA, or raw bytes for anything else.
 * Names are compressed against earlier names unless `compress: false`.
 */
import { ipv4, ipv6 } from '../../sim/frames.js';
import { DnsType, MDNS_CLASS_TOP_BIT } from './consts.js';

export type BuildQuestion = { name: string; type: number; cls?: number; unicastResponse?: boolean };

export type BuildRData =
  | { a: string }
  | { aaaa: string }
  | { target: string }
  | { srv: { priority?: number; weight?: number; port: number; target: string } }
  | { txt: string[] }
  | { hinfo: { cpu: string; os: string } }
  | { raw: Buffer };

export type BuildRecord = {
  name: string;
  type: number;
  cls?: number;
  cacheFlush?: boolean;
  ttl?: number;
  data: BuildRData;
};

export type BuildMessage = {
  id?: number;
  response?: boolean;
  opcode?: number;
  authoritative?: boolean;
  truncated?: boolean;
  recursionDesired?: boolean;
  recursionAvailable?: boolean;
  rcode?: number;
  questions?: BuildQuestion[];
  answers?: BuildRecord[];
  authority?: BuildRecord[];
  additional?: BuildRecord[];
  compress?: boolean;
};

class Writer {
  private readonly parts: Buffer[] = [];
  length = 0;
  private readonly names = new Map<string, number>();
  /** RDATA length fields to fill in once the RDATA is written: [offset, length]. */
  readonly patches: [number, number][] = [];

  constructor(private readonly compress: boolean) {}

  bytes(b: Buffer): void {
    this.parts.push(b);
    this.length += b.length;
  }

  u8(v: number): void {
    this.bytes(Buffer.from([v & 0xff]));
  }

  u16(v: number): void {
    const b = Buffer.alloc(2);
    b.writeUInt16BE(v & 0xffff, 0);
    this.bytes(b);
  }

  u32(v: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(v >>> 0, 0);
    this.bytes(b);
  }

  /** A name, ending in a pointer to the longest suffix already written (when compressing). */
  name(text: string): void {
    const labels = text === '.' || text === '' ? [] : text.replace(/\.$/, '').split('.');
    for (let i = 0; i < labels.length; i++) {
      const suffix = labels.slice(i).join('.').toLowerCase();
      const at = this.names.get(suffix);
      if (this.compress && at !== undefined) {
        this.u16(0xc000 | at);
        return;
      }
      if (this.length < 0x3fff) this.names.set(suffix, this.length);
      const l = Buffer.from(labels[i]!, 'utf8');
      if (l.length === 0 || l.length > 63) throw new Error(`bad label in ${text}`);
      this.u8(l.length);
      this.bytes(l);
    }
    this.u8(0);
  }

  concat(): Buffer {
    const out = Buffer.concat(this.parts);
    for (const [at, len] of this.patches) out.writeUInt16BE(len, at);
    return out;
  }
}

function writeRecord(w: Writer, r: BuildRecord): void {
  w.name(r.name);
  w.u16(r.type);
  w.u16((r.cls ?? 1) | (r.cacheFlush ? MDNS_CLASS_TOP_BIT : 0));
  w.u32(r.ttl ?? 120);
  const d = r.data;
  // RDATA may hold compressed names: write it in place, then patch the length.
  const lenAt = w.length;
  w.u16(0);
  const start = w.length;
  if ('a' in d) w.bytes(ipv4(d.a));
  else if ('aaaa' in d) w.bytes(ipv6(d.aaaa));
  else if ('target' in d) w.name(d.target);
  else if ('srv' in d) {
    w.u16(d.srv.priority ?? 0);
    w.u16(d.srv.weight ?? 0);
    w.u16(d.srv.port);
    w.name(d.srv.target);
  } else if ('txt' in d) {
    for (const s of d.txt) {
      const b = Buffer.from(s, 'utf8');
      w.u8(b.length);
      w.bytes(b);
    }
  } else if ('hinfo' in d) {
    for (const s of [d.hinfo.cpu, d.hinfo.os]) {
      const b = Buffer.from(s, 'utf8');
      w.u8(b.length);
      w.bytes(b);
    }
  } else w.bytes(d.raw);
  w.patches.push([lenAt, w.length - start]);
}

export function buildDns(m: BuildMessage): Buffer {
  const w = new Writer(m.compress ?? true);
  const qs = m.questions ?? [];
  const an = m.answers ?? [];
  const ns = m.authority ?? [];
  const ar = m.additional ?? [];
  w.u16(m.id ?? 0);
  w.u16(
    (m.response ? 0x8000 : 0) |
      ((m.opcode ?? 0) << 11) |
      (m.authoritative ? 0x0400 : 0) |
      (m.truncated ? 0x0200 : 0) |
      (m.recursionDesired ? 0x0100 : 0) |
      (m.recursionAvailable ? 0x0080 : 0) |
      ((m.rcode ?? 0) & 0xf),
  );
  for (const n of [qs.length, an.length, ns.length, ar.length]) w.u16(n);
  for (const q of qs) {
    w.name(q.name);
    w.u16(q.type);
    w.u16((q.cls ?? 1) | (q.unicastResponse ? MDNS_CLASS_TOP_BIT : 0));
  }
  for (const r of [...an, ...ns, ...ar]) writeRecord(w, r);
  return w.concat();
}

/** A DNS-over-TCP message: the 2-byte length prefix of RFC 1035 §4.2.2. */
export function tcpFramed(msg: Buffer): Buffer {
  const len = Buffer.alloc(2);
  len.writeUInt16BE(msg.length, 0);
  return Buffer.concat([len, msg]);
}

/** A forward-lookup answer: the usual shape of a resolver's reply to one A/AAAA query. */
export function dnsAnswer(id: number, name: string, addresses: string[]): Buffer {
  const type = (ip: string) => (ip.includes(':') ? DnsType.AAAA : DnsType.A);
  const qtype = addresses[0] ? type(addresses[0]) : DnsType.A;
  return buildDns({
    id,
    response: true,
    recursionDesired: true,
    recursionAvailable: true,
    questions: [{ name, type: qtype }],
    answers: addresses.map((ip) => ({
      name,
      type: type(ip),
      data: ip.includes(':') ? { aaaa: ip } : { a: ip },
    })),
  });
}
