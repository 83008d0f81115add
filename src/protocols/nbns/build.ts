/**
 * NetBIOS Name Service message builder (RFC 1002 §4.2, RFC 1001 §14.1 name encoding) for the
 * project's own traces: golden tests and the plant simulator. Not on the capture path.
 * Messages go through the DNS builder (same wire format); NB and NBSTAT RDATA are built here.
 */
import { ipv4, mac } from '../../sim/frames.js';
import { type BuildRecord, buildDns } from '../dns/build.js';
import { FLAG_BROADCAST, NAME_ACTIVE, NB_GROUP, NbType } from './consts.js';

/** RFC 1001 §14.1: pad to 15 with spaces, add the suffix byte, split each byte into 'A'+nibble. */
export function encodeName(name: string, suffix: number, scope?: string): string {
  const raw = Buffer.alloc(16, 0x20);
  if (name === '*') raw.fill(0);
  raw.write(name.toUpperCase().slice(0, 15), 0, 'latin1');
  raw[15] = suffix;
  let out = '';
  for (const b of raw) out += String.fromCharCode(0x41 + (b >> 4), 0x41 + (b & 15));
  return scope ? `${out}.${scope}` : out;
}

export type NbEntry = { ip: string; group?: boolean; ont?: number };

export function nbRData(entries: NbEntry[]): Buffer {
  return Buffer.concat(
    entries.map((e) => {
      const b = Buffer.alloc(6);
      b.writeUInt16BE((e.group ? NB_GROUP : 0) | ((e.ont ?? 0) << 13), 0);
      ipv4(e.ip).copy(b, 2);
      return b;
    }),
  );
}

export type NodeName = { name: string; suffix: number; group?: boolean };

/** RFC 1002 §4.2.18: NUM_NAMES, 18-byte entries, then statistics (unit id first, 46 bytes). */
export function nbstatRData(names: NodeName[], unitId: string): Buffer {
  const parts = [Buffer.from([names.length])];
  for (const n of names) {
    const b = Buffer.alloc(18, 0x20);
    b.write(n.name.slice(0, 15), 0, 'latin1');
    b[15] = n.suffix;
    b.writeUInt16BE((n.group ? NB_GROUP : 0) | NAME_ACTIVE, 16);
    parts.push(b);
  }
  const stats = Buffer.alloc(46);
  mac(unitId).copy(stats, 0);
  parts.push(stats);
  return Buffer.concat(parts);
}

export type NbnsBuild = {
  id?: number;
  response?: boolean;
  opcode?: number;
  authoritative?: boolean;
  recursionDesired?: boolean;
  broadcast?: boolean;
  rcode?: number;
  questions?: { name: string; suffix: number; type?: number }[];
  answers?: BuildRecord[];
  additional?: BuildRecord[];
};

export function buildNbns(m: NbnsBuild): Buffer {
  const b = buildDns({
    id: m.id ?? 0x8000,
    response: m.response ?? false,
    opcode: m.opcode ?? 0,
    authoritative: m.authoritative ?? false,
    recursionDesired: m.recursionDesired ?? false,
    rcode: m.rcode ?? 0,
    questions: (m.questions ?? []).map((q) => ({
      name: encodeName(q.name, q.suffix),
      type: q.type ?? NbType.NB,
    })),
    answers: m.answers ?? [],
    additional: m.additional ?? [],
  });
  if (m.broadcast) b.writeUInt16BE(b.readUInt16BE(2) | FLAG_BROADCAST, 2);
  return b;
}

/** An NB record for `name<suffix>` at the given addresses. */
export function nbRecord(name: string, suffix: number, entries: NbEntry[], ttl = 300000): BuildRecord {
  return { name: encodeName(name, suffix), type: NbType.NB, ttl, data: { raw: nbRData(entries) } };
}
