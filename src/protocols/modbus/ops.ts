/**
 * Modbus operations: the op kind of a request and its human-readable target ("unit 1 holding
 * 0-9"), from the fields `decodeRequest` read. Specs as in consts.ts: Modbus Application
 * Protocol v1.1b3 §6 (function codes), §6.8.1 (diagnostics: restart communications and force
 * listen-only are control), §6.21 (43/14 identify); UMAS sub-functions per consts.ts.
 */
import type { OpKind } from '../../events/types.js';
import { Diag, FC_KIND, Fc, Mei, TABLE, UMAS_OPS } from './consts.js';

/** Op codes as strings, made once ("0" … "255"). */
export const CODE: readonly string[] = Array.from({ length: 256 }, (_, i) => String(i));

/**
 * Legacy Modicon programming codes (Zeek's Modbus tables: 40 PROGRAM_CONCEPT, 125
 * FIRMWARE_REPLACEMENT, 126 PROGRAM_584_984_2); in the public capture modbus_test_data_part2
 * the server answers 40 and 125 without an exception (frames 112 and 312).
 */
const PROGRAM_FCS: ReadonlySet<number> = new Set([40, Fc.MODICON_PROGRAM_125, Fc.MODICON_PROGRAM_126]);

/** Op kind of function `fc` (without the exception bit) with sub-function `sub` (-1 if none). */
export function kindOf(fc: number, sub: number): OpKind {
  const k = FC_KIND[fc];
  if (k !== undefined) return k;
  switch (fc) {
    case Fc.DIAGNOSTICS:
      return sub === Diag.RESTART_COMMUNICATIONS || sub === Diag.FORCE_LISTEN_ONLY ? 'control' : 'diagnostic';
    case Fc.ENCAPSULATED_INTERFACE:
      return sub === Mei.READ_DEVICE_ID ? 'identify' : 'other';
    case Fc.UMAS:
      return UMAS_OPS[sub]?.[0] ?? 'other';
    default:
      return PROGRAM_FCS.has(fc) ? 'program' : 'other';
  }
}

function range(a: number, q: number): string {
  if (a < 0) return '';
  if (q <= 1) return q === 1 ? ` ${a}` : ` ${a} (quantity ${q < 0 ? '?' : q})`;
  return ` ${a}-${a + q - 1}`;
}

/** "unit 1 holding 0-9", "unit 1 coil 5", "unit 10 diagnostics 1", "unit 0 umas stop plc". */
export function targetOf(
  unit: number,
  fc: number,
  sub: number,
  a: number,
  q: number,
  a2: number,
  q2: number,
): string {
  const u = `unit ${unit}`;
  const table = TABLE[fc];
  if (table !== undefined) return `${u} ${table}${range(a, q)}`;
  switch (fc) {
    case Fc.READ_WRITE_MULTIPLE_REGISTERS:
      return a < 0 ? `${u} holding` : `${u} holding read${range(a, q)} write${range(a2, q2)}`;
    case Fc.READ_FILE_RECORD:
    case Fc.WRITE_FILE_RECORD:
      if (a < 0) return `${u} file`;
      return `${u} file ${a} record ${a2}${q2 >= 0 ? ` (${q2} registers)` : ''}${q > 1 ? ` +${q - 1} more` : ''}`;
    case Fc.DIAGNOSTICS:
      return sub < 0 ? `${u} diagnostics` : `${u} diagnostics ${sub}`;
    case Fc.ENCAPSULATED_INTERFACE:
      if (sub === Mei.READ_DEVICE_ID)
        return a < 0 ? `${u} device id` : `${u} device id code ${a} object ${q}`;
      return sub < 0 ? `${u} mei` : `${u} mei ${sub}`;
    case Fc.UMAS: {
      if (sub < 0) return `${u} umas`;
      const name = UMAS_OPS[sub]?.[1];
      return `${u} umas ${name ?? `0x${sub.toString(16).padStart(2, '0')}`}`;
    }
    default:
      return u;
  }
}

/** Entries per flow in the target cache. */
const TARGET_CACHE = 32;

/**
 * Targets of one flow, cached: a poller repeats the same few requests, so the text is built
 * once per distinct request instead of once per operation (a direct-mapped table, 32 slots).
 */
export class TargetCache {
  private readonly keys = new Float64Array(TARGET_CACHE * 3).fill(-1);
  private readonly texts: string[] = new Array<string>(TARGET_CACHE).fill('');

  get(unit: number, fc: number, sub: number, a: number, q: number, a2: number, q2: number): string {
    const k1 = (unit * 256 + fc) * 0x20000 + (sub + 1);
    const k2 = (a + 1) * 0x20000 + (q + 1);
    const k3 = (a2 + 1) * 0x20000 + (q2 + 1);
    const i = (Math.imul(unit * 256 + fc, 0x9e3779b1) ^ Math.imul(a + 1, 0x85ebca6b) ^ (q + 7 * sub)) >>> 27;
    const at = i * 3;
    const keys = this.keys;
    if (keys[at] === k1 && keys[at + 1] === k2 && keys[at + 2] === k3) return this.texts[i]!;
    const text = targetOf(unit, fc, sub, a, q, a2, q2);
    keys[at] = k1;
    keys[at + 1] = k2;
    keys[at + 2] = k3;
    this.texts[i] = text;
    return text;
  }
}
