/**
 * STEP 7 blocks as a PG downloads them to an S7-300: the 36-byte block header ("pp", version,
 * attribute, language, block type, number, load-memory length, security, code and interface
 * timestamps, interface/ADD/local-data/MC7 lengths), the MC7 code, the interface, and the
 * 36-byte trailer (author, family, name, version, checksum). Lengths and framing follow real
 * downloads (a DB1 of 500 bytes: 36 + 400 MC7 + 28 interface + 36); the code bytes are
 * deterministic stand-ins for compiled instructions, ending in BE (block end).
 */

/** Block types as in file names (`_0800001P` is OB1). */
export const BlockType = { OB: '08', DB: '0A', FC: '0C', FB: '0E' } as const;
export type BlockTypeCode = (typeof BlockType)[keyof typeof BlockType];

/** Languages: STL (AWL), LAD, FBD, and data blocks. */
export const Language = { STL: 1, LAD: 2, FBD: 3, DB: 5 } as const;

export interface Mc7Block {
  type: BlockTypeCode;
  number: number;
  language: number;
  /** MC7 code (for a data block: its initial values). */
  code: Buffer;
  /** Interface (parameters and local data description). */
  iface: Buffer;
  name: string;
  family: string;
  author: string;
  /** Version as major.minor (one digit each). */
  version: [number, number];
  localData: number;
}

/** Last compiled 2026-01-09 14:32:10.500 (S7 timestamps: ms since midnight, days since 1984-01-01). */
const COMPILED = {
  ms: (14 * 3600 + 32 * 60 + 10) * 1000 + 500,
  days: Date.UTC(2026, 0, 9) / 86_400_000 - Date.UTC(1984, 0, 1) / 86_400_000,
};

export function mc7Bytes(b: Mc7Block): Buffer {
  const total = 36 + b.code.length + b.iface.length + 36;
  const h = Buffer.alloc(36);
  h.writeUInt16BE(0x7070, 0);
  h[2] = 0x01;
  h[3] = 0x01; // linked
  h[4] = b.language;
  h[5] = Number.parseInt(b.type, 16);
  h.writeUInt16BE(b.number, 6);
  h.writeUInt32BE(total, 8);
  for (const at of [16, 22]) {
    h.writeUInt32BE(COMPILED.ms, at);
    h.writeUInt16BE(COMPILED.days, at + 4);
  }
  h.writeUInt16BE(b.iface.length, 28);
  h.writeUInt16BE(b.localData, 32);
  h.writeUInt16BE(b.code.length, 34);
  const trailer = Buffer.alloc(36);
  text(b.author, 8).copy(trailer, 0);
  text(b.family, 8).copy(trailer, 8);
  text(b.name, 8).copy(trailer, 16);
  trailer[24] = (b.version[0] << 4) | b.version[1];
  let sum = 0;
  for (const byte of b.code) sum = (sum + byte) & 0xffff;
  trailer.writeUInt16BE(sum, 26);
  return Buffer.concat([h, b.code, b.iface, trailer]);
}

/** `length` bytes of stand-in code from `seed`, ending in BE (0x65 0x00). */
export function mc7Code(length: number, seed: number): Buffer {
  const b = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length - 2; i++) {
    x = (Math.imul(x, 1_103_515_245) + 12_345) >>> 0;
    b[i] = x >>> 24;
  }
  b[length - 2] = 0x65;
  return b;
}

function text(s: string, width: number): Buffer {
  const b = Buffer.alloc(width);
  b.write(s.slice(0, width), 'latin1');
  return b;
}
