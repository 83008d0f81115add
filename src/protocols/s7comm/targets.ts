/**
 * Human-readable S7comm operation targets in STEP 7 address notation: `DB1.DBX0.0`,
 * `DB1.DBB0 (10 bytes)`, `MW16`, `I0.0`, `T3`, block names `DB1` / `OB35` from up/download
 * file names, PI services with their blocks (`_INSE DB1`). Built only when an operation is
 * emitted.
 */
import { hashBytes, sameBytes } from '../bytes.js';
import {
  AREA_PREFIX,
  Area,
  BLOCK_TYPES,
  SYNTAX_NAMES,
  Syntax,
  TARGET_ITEMS,
  TRANSPORT_SIZE,
} from './consts.js';
import type { S7Item } from './parse.js';

/** One item: address, and the count with its unit when more than one element is accessed. */
export function itemText(it: S7Item): string {
  if (it.syntax !== Syntax.S7ANY) return SYNTAX_NAMES[it.syntax] ?? `syntax 0x${hex2(it.syntax)}`;
  const [width, unit] = TRANSPORT_SIZE[it.size] ?? ['B', `× type 0x${hex2(it.size)}`];
  const prefix = AREA_PREFIX[it.area] ?? `area 0x${hex2(it.area)} `;
  let addr: string;
  if (it.area === Area.TIMER || it.area === Area.COUNTER) {
    // Timers and counters are addressed by number, not by bit address.
    addr = `${prefix}${it.address}`;
  } else {
    const byte = it.address >>> 3;
    const bit = width === 'X' ? `.${it.address & 7}` : '';
    if (it.area === Area.DB || it.area === Area.DI) addr = `${prefix}${it.db}.${prefix}${width}${byte}${bit}`;
    else addr = `${prefix}${width === 'X' ? '' : width}${byte}${bit}`;
  }
  return it.count > 1 ? `${addr} (${it.count} ${unit})` : addr;
}

/** Several items: the first few, then the total. */
export function itemsText(items: readonly S7Item[], total: number): string {
  const shown = items.slice(0, TARGET_ITEMS).map(itemText).join(', ');
  return total > TARGET_ITEMS ? `${shown}, … (${total} items)` : shown;
}

/** `_0A00001P` → `DB1`; `_0800035A` → `OB35`; anything else as it came. */
export function blockName(file: string): string {
  const m = /^[_$]([0-9A-F]{2})(\d{5})[PAB]?$/i.exec(file);
  if (!m) return file;
  const type = BLOCK_TYPES[m[1]!.toUpperCase()];
  return type === undefined ? file : `${type}${Number(m[2])}`;
}

/**
 * A PI service and its arguments: blocks named (`_INSE DB1, FC2`), restart kind for
 * P_PROGRAM (`P_PROGRAM (cold restart)`), short text arguments quoted.
 */
export function piText(service: string, args: string): string {
  if (service === 'P_PROGRAM') {
    return args.trim() === 'C'
      ? 'P_PROGRAM (cold restart)'
      : args === ''
        ? 'P_PROGRAM (warm restart)'
        : `P_PROGRAM "${args}"`;
  }
  // Block lists: count, reserved, then 8-character names.
  if (args.length >= 10 && (args.length - 2) % 8 === 0) {
    const names: string[] = [];
    for (let i = 2; i + 8 <= args.length && names.length < TARGET_ITEMS + 1; i += 8) {
      names.push(blockName(`_${args.slice(i, i + 8)}`));
    }
    const n = (args.length - 2) / 8;
    return `${service} ${names.slice(0, TARGET_ITEMS).join(', ')}${n > TARGET_ITEMS ? `, … (${n} blocks)` : ''}`;
  }
  const printable = args.replace(/[^\x20-\x7e]/g, '');
  return printable.trim() === '' ? service : `${service} "${printable}"`;
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

/**
 * Targets of recently seen Read/Write Var parameter blocks. HMIs and SCADA poll the same items
 * over and over: a hit (same bytes) skips decoding the items and building the text again.
 * Small and per flow: `size` entries, replaced round-robin.
 */
export class TargetCache {
  private readonly hashes: number[] = [];
  private readonly keys: Buffer[] = [];
  private readonly values: string[] = [];
  private next = 0;

  constructor(private readonly size = 16) {}

  get(buf: Buffer, off: number, len: number): string | undefined {
    const h = hashBytes(buf, off, len);
    for (let i = 0; i < this.hashes.length; i++) {
      if (this.hashes[i] !== h) continue;
      const k = this.keys[i]!;
      if (k.length === len && sameBytes(buf, off, k)) return this.values[i];
    }
    return undefined;
  }

  set(buf: Buffer, off: number, len: number, value: string): void {
    const i = this.next;
    this.next = (i + 1) % this.size;
    this.hashes[i] = hashBytes(buf, off, len);
    this.keys[i] = Buffer.from(buf.subarray(off, off + len));
    this.values[i] = value;
  }
}

/** `0x00` … `0xff`, built once: operation codes are on the hot path. */
export const HEX_CODES: readonly string[] = Array.from(
  { length: 256 },
  (_, i) => `0x${i.toString(16).padStart(2, '0')}`,
);
