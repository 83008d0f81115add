/**
 * TLS parser: record headers, ClientHello (SNI, ALPN, supported versions), ServerHello
 * (version, cipher suite, selected ALPN, supported_versions), and the leaf of a TLS ≤ 1.2
 * Certificate message through a minimal, bounded DER walk (RFC 5280 §4.1: issuer, validity
 * notAfter, subject; CN / O / OU / C attributes). Pure; never throws. Not parsed: extensions
 * other than the three named, intermediate certificates, public keys, signatures, anything
 * encrypted (all of TLS 1.3 after the ServerHello).
 */
import { Ext, MAX_TEXT, NAME_ATTRS } from './consts.js';

export interface ClientHello {
  sni?: string;
  alpn: string[];
  versions: number[];
}

export interface ServerHello {
  version: number;
  cipher: number;
  alpn?: string;
}

export interface CertInfo {
  subject: string;
  issuer: string;
  notAfter?: string;
}

function text(buf: Buffer, off: number, len: number): string {
  let s = '';
  for (let i = off; i < off + Math.min(len, MAX_TEXT); i++) {
    const c = buf[i]!;
    s += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : '?';
  }
  return s;
}

/** Walks extensions in `buf[p, end)`, calling `f(type, off, len)`; false when malformed. */
function extensions(
  buf: Buffer,
  p: number,
  end: number,
  f: (type: number, off: number, len: number) => void,
): boolean {
  if (p === end) return true;
  if (p + 2 > end) return false;
  const stop = p + 2 + buf.readUInt16BE(p);
  if (stop > end) return false;
  p += 2;
  while (p + 4 <= stop) {
    const type = buf.readUInt16BE(p);
    const l = buf.readUInt16BE(p + 2);
    if (p + 4 + l > stop) return false;
    f(type, p + 4, l);
    p += 4 + l;
  }
  return true;
}

/** ClientHello body (after the 4-byte handshake header); undefined when malformed. */
export function parseClientHello(buf: Buffer, off: number, len: number): ClientHello | undefined {
  const end = Math.min(off + len, buf.length);
  let p = off + 34;
  if (p + 1 > end) return undefined;
  p += 1 + buf[p]!;
  if (p + 2 > end) return undefined;
  p += 2 + buf.readUInt16BE(p);
  if (p + 1 > end) return undefined;
  p += 1 + buf[p]!;
  if (p > end) return undefined;
  const out: ClientHello = { alpn: [], versions: [] };
  const ok = extensions(buf, p, end, (type, o, l) => {
    if (type === Ext.SERVER_NAME && l >= 5 && buf[o + 2] === 0) {
      const n = buf.readUInt16BE(o + 3);
      if (o + 5 + n <= o + l) out.sni = text(buf, o + 5, n).toLowerCase();
    } else if (type === Ext.ALPN && l >= 2) {
      let q = o + 2;
      while (q < o + l && out.alpn.length < 8) {
        const n = buf[q]!;
        if (q + 1 + n > o + l) break;
        out.alpn.push(text(buf, q + 1, n));
        q += 1 + n;
      }
    } else if (type === Ext.SUPPORTED_VERSIONS && l >= 1) {
      for (let q = o + 1; q + 2 <= o + 1 + buf[o]! && q + 2 <= o + l; q += 2) {
        const v = buf.readUInt16BE(q);
        // GREASE values (RFC 8701) are 0x?a?a.
        if ((v & 0x0f0f) !== 0x0a0a) out.versions.push(v);
      }
    }
  });
  return ok ? out : undefined;
}

/** ServerHello body; the version is supported_versions' choice when present (TLS 1.3). */
export function parseServerHello(buf: Buffer, off: number, len: number): ServerHello | undefined {
  const end = Math.min(off + len, buf.length);
  if (off + 35 > end) return undefined;
  let version = buf.readUInt16BE(off);
  let p = off + 34;
  p += 1 + buf[p]!;
  if (p + 3 > end) return undefined;
  const cipher = buf.readUInt16BE(p);
  p += 3;
  let alpn: string | undefined;
  const ok = extensions(buf, p, end, (type, o, l) => {
    if (type === Ext.SUPPORTED_VERSIONS && l === 2) version = buf.readUInt16BE(o);
    else if (type === Ext.ALPN && l >= 3 && o + 3 + buf[o + 2]! <= o + l)
      alpn = text(buf, o + 3, buf[o + 2]!);
  });
  if (!ok) return undefined;
  return alpn === undefined ? { version, cipher } : { version, cipher, alpn };
}

interface Der {
  tag: number;
  off: number;
  end: number;
}

function der(buf: Buffer, p: number, end: number): Der | undefined {
  if (p + 2 > end) return undefined;
  const tag = buf[p]!;
  let l = buf[p + 1]!;
  let q = p + 2;
  if (l & 0x80) {
    const n = l & 0x7f;
    if (n === 0 || n > 3 || q + n > end) return undefined;
    l = buf.readUIntBE(q, n);
    q += n;
  }
  return q + l > end ? undefined : { tag, off: q, end: q + l };
}

/** "CN=plc-01, O=Acme" from a Name (RFC 5280 §4.1.2.4); kept attributes only, at most 16. */
function name(buf: Buffer, n: Der): string {
  const parts: string[] = [];
  let p = n.off;
  for (let i = 0; i < 16 && p < n.end; i++) {
    const set = der(buf, p, n.end);
    if (!set) break;
    const atv = der(buf, set.off, set.end);
    const oid = atv && der(buf, atv.off, atv.end);
    const val = oid && der(buf, oid.end, atv.end);
    if (oid && val && oid.tag === 0x06) {
      const key = NAME_ATTRS[buf.toString('hex', oid.off, oid.end)];
      if (key) parts.push(`${key}=${buf.toString('utf8', val.off, Math.min(val.end, val.off + MAX_TEXT))}`);
    }
    p = set.end;
  }
  return parts.join(', ');
}

function time(buf: Buffer, t: Der): string | undefined {
  const s = text(buf, t.off, t.end - t.off);
  const m =
    t.tag === 0x17
      ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s)
      : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return undefined;
  const y = t.tag === 0x17 ? (Number(m[1]) >= 50 ? `19${m[1]}` : `20${m[1]}`) : m[1];
  return `${y}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`;
}

/** Leaf certificate of a Certificate message body (TLS ≤ 1.2 layout: 3-byte list length, 3-byte cert length). */
export function parseCertificate(buf: Buffer, off: number, len: number): CertInfo | undefined {
  const end = Math.min(off + len, buf.length);
  if (off + 6 > end) return undefined;
  const certLen = buf.readUIntBE(off + 3, 3);
  const cEnd = off + 6 + certLen;
  if (cEnd > end) return undefined;
  const cert = der(buf, off + 6, cEnd);
  const tbs = cert && der(buf, cert.off, cert.end);
  if (tbs?.tag !== 0x30) return undefined;
  let p = tbs.off;
  const next = (): Der | undefined => {
    const d = der(buf, p, tbs.end);
    if (d) p = d.end;
    return d;
  };
  let f = next();
  if (f?.tag === 0xa0) f = next(); // version, then serialNumber
  next(); // signature algorithm
  const issuer = next();
  const validity = next();
  const subject = next();
  if (!issuer || !validity || !subject || issuer.tag !== 0x30 || subject.tag !== 0x30) return undefined;
  const nb = der(buf, validity.off, validity.end);
  const na = nb && der(buf, nb.end, validity.end);
  const info: CertInfo = { subject: name(buf, subject), issuer: name(buf, issuer) };
  const t = na && time(buf, na);
  if (t) info.notAfter = t;
  return info;
}
