/**
 * DNS domain names on the wire (RFC 1035 §3.1, §4.1.4 message compression), shared by the DNS,
 * mDNS, LLMNR and NetBIOS Name Service (RFC 1002 §4.1) parsers.
 *
 * Pure and bounded: a name is at most 255 octets once expanded and a pointer must point before
 * itself, with at most MAX_POINTER_JUMPS jumps, so a hostile pointer loop ends quickly.
 * Not handled: extended label types (RFC 6891 §5, deprecated; rejected as bad names).
 */
import { MAX_NAME_WIRE, MAX_POINTER_JUMPS } from './consts.js';

export type NameRead =
  | { ok: true; name: string; next: number }
  | { ok: false; code: 'truncated' | 'bad_name'; detail: string };

/**
 * The name starting at `pos` of the message `buf[base, end)`; `next` is the offset right after
 * the name's own bytes (after the first pointer when compressed). The root name reads as `.`.
 */
export function readName(buf: Buffer, base: number, end: number, pos: number): NameRead {
  let p = pos;
  let next = -1;
  let jumps = 0;
  let wire = 1;
  let name = '';
  for (;;) {
    if (p >= end) return { ok: false, code: 'truncated', detail: `name at +${pos - base} runs past the end` };
    const len = buf[p]!;
    if (len === 0) {
      if (next < 0) next = p + 1;
      break;
    }
    const tag = len & 0xc0;
    if (tag === 0xc0) {
      if (p + 1 >= end) return { ok: false, code: 'truncated', detail: `pointer at +${p - base} cut short` };
      const target = base + (((len & 0x3f) << 8) | buf[p + 1]!);
      if (next < 0) next = p + 2;
      // RFC 1035 §4.1.4: a pointer refers to a prior occurrence; forward or self pointers loop.
      if (target >= p)
        return { ok: false, code: 'bad_name', detail: `pointer at +${p - base} points forward` };
      if (++jumps > MAX_POINTER_JUMPS) {
        return { ok: false, code: 'bad_name', detail: `more than ${MAX_POINTER_JUMPS} pointers` };
      }
      p = target;
      continue;
    }
    if (tag !== 0) return { ok: false, code: 'bad_name', detail: `label type 0x${tag.toString(16)}` };
    if (p + 1 + len > end) return { ok: false, code: 'truncated', detail: `label at +${p - base} cut short` };
    wire += len + 1;
    if (wire > MAX_NAME_WIRE) return { ok: false, code: 'bad_name', detail: 'name longer than 255 octets' };
    const label = labelText(buf, p + 1, p + 1 + len);
    name = name === '' ? label : `${name}.${label}`;
    p += 1 + len;
  }
  return { ok: true, name: name === '' ? '.' : name, next };
}

/**
 * A label as text. Printable ASCII stays as is; UTF-8 (mDNS instance names, RFC 6762 §16) is
 * decoded; dots, backslashes and control bytes inside a label are escaped as in master files
 * (RFC 4343 §2.1) so the text cannot be mistaken for another name.
 */
export function labelText(buf: Buffer, start: number, end: number): string {
  let plain = true;
  let high = false;
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c >= 0x80) high = true;
    else if (c < 0x20 || c === 0x7f || c === 0x2e || c === 0x5c) plain = false;
  }
  if (plain) return buf.toString(high ? 'utf8' : 'latin1', start, end);
  let out = '';
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c === 0x2e || c === 0x5c) out += `\\${String.fromCharCode(c)}`;
    else if (c < 0x20 || c >= 0x7f) out += `\\${c.toString().padStart(3, '0')}`;
    else out += String.fromCharCode(c);
  }
  return out;
}

/** Text of a character-string or option payload, for facts: UTF-8, control bytes dropped, capped. */
export function cleanText(buf: Buffer, start: number, end: number, max: number): string {
  const s = buf.toString('utf8', start, Math.min(end, start + max * 4));
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control bytes is the point
  const t = s.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return t.length > max ? t.slice(0, max) : t;
}
