/**
 * The subject common name of a DER X.509 certificate: the one identity fact an encrypted OPC UA
 * channel still shows (OPN's SenderCertificate, CreateSession's ServerCertificate).
 *
 * Spec: RFC 5280 §4.1 (Certificate, TBSCertificate field order: [0] version, serialNumber,
 * signature, issuer, validity, subject), §4.1.2.4 (Name: SEQUENCE OF SET OF
 * AttributeTypeAndValue), X.520 id-at-commonName 2.5.4.3; ITU-T X.690 §8.1 (DER tag and
 * length). OPC UA sends a chain as concatenated certificates (Part 6 §6.7.2.3): the first is
 * the sender's. Pure, never throws; nothing else of the certificate is read (no validation).
 */

const OID_CN = [0x55, 0x04, 0x03];
const SEQUENCE = 0x30;
const SET = 0x31;
const OID = 0x06;

/** The last TLV read: its value's offset and length (its tag is the byte `tlv` started at). */
let vOff = 0;
let vLen = 0;

/** The TLV at `p` (before `end`): sets vOff/vLen, returns the position after it or -1. */
function tlv(buf: Buffer, p: number, end: number): number {
  if (p + 2 > end) return -1;
  let l = buf[p + 1]!;
  let q = p + 2;
  if (l & 0x80) {
    const n = l & 0x7f;
    if (n === 0 || n > 4 || q + n > end) return -1;
    l = buf.readUIntBE(q, n);
    q += n;
  }
  if (q + l > end) return -1;
  vOff = q;
  vLen = l;
  return q + l;
}

/** The subject CN of the certificate at `buf[off, off + len)`, or undefined. */
export function certificateCn(buf: Buffer, off: number, len: number): string | undefined {
  const end = Math.min(off + len, buf.length);
  if (tlv(buf, off, end) < 0 || buf[off] !== SEQUENCE) return undefined;
  const certEnd = vOff + vLen;
  const tbs = vOff;
  if (tlv(buf, tbs, certEnd) < 0 || buf[tbs] !== SEQUENCE) return undefined;
  const tbsEnd = vOff + vLen;
  let p = vOff;
  let next = tlv(buf, p, tbsEnd);
  if (next < 0) return undefined;
  if (buf[p] === 0xa0) p = next; // [0] EXPLICIT version
  // serialNumber, signature, issuer, validity
  for (let i = 0; i < 4; i++) {
    p = tlv(buf, p, tbsEnd);
    if (p < 0) return undefined;
  }
  if (tlv(buf, p, tbsEnd) < 0 || buf[p] !== SEQUENCE) return undefined;
  const nameEnd = vOff + vLen;
  let rdn = vOff;
  while (rdn < nameEnd) {
    next = tlv(buf, rdn, nameEnd);
    if (next < 0 || buf[rdn] !== SET) return undefined;
    const setEnd = vOff + vLen;
    let atv = vOff;
    while (atv < setEnd) {
      const after = tlv(buf, atv, setEnd);
      if (after < 0 || buf[atv] !== SEQUENCE) return undefined;
      const seqEnd = vOff + vLen;
      const oid = vOff;
      const valueAt = tlv(buf, oid, seqEnd);
      if (valueAt < 0) return undefined;
      const isCn = buf[oid] === OID && vLen === 3 && OID_CN.every((b, i) => buf[vOff + i] === b);
      if (isCn && tlv(buf, valueAt, seqEnd) >= 0) return stringValue(buf, buf[valueAt]!);
      atv = after;
    }
    rdn = next;
  }
  return undefined;
}

/** The DirectoryString at vOff/vLen by its tag (UTF8, Printable, IA5, T61, BMP). */
function stringValue(buf: Buffer, tag: number): string | undefined {
  const n = Math.min(vLen, 256);
  switch (tag) {
    case 0x0c:
      return buf.toString('utf8', vOff, vOff + n);
    case 0x13:
    case 0x16:
    case 0x14:
      return buf.toString('latin1', vOff, vOff + n);
    case 0x1e: {
      let s = '';
      for (let i = 0; i + 1 < n; i += 2) s += String.fromCharCode(buf.readUInt16BE(vOff + i));
      return s;
    }
    default:
      return undefined;
  }
}
