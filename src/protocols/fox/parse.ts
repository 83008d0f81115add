/**
 * Niagara Fox parser: one text message, "fox <a|r> <n> <n> <channel> <command>\n{\n" then
 * "key=type:value" lines until "};;" (see consts.ts for the sources). Bounded: the caller hands
 * a complete message of at most MAX_MESSAGE bytes; only the keys in HELLO_FACTS are kept,
 * values capped at MAX_VALUE characters. Pure; never throws.
 * Not parsed: object (o:) and blob (b:) values, nested messages, the binary Fox that follows
 * authentication.
 */
import { HELLO_FACTS, MAX_VALUE } from './consts.js';

export interface FoxMessage {
  /** Last word of the first line: "hello", "challenge", ... */
  command: string;
  /** Wanted keys only, by their Fox name. */
  values: Record<string, string>;
}

export type FoxParse = { ok: true; msg: FoxMessage } | { ok: false; code: 'bad_message'; detail: string };

/** "fox " at the start of a stream: the probe's test. */
export function startsFox(buf: Buffer, off: number, len: number): boolean {
  return (
    len >= 4 && buf[off] === 0x66 && buf[off + 1] === 0x6f && buf[off + 2] === 0x78 && buf[off + 3] === 0x20
  );
}

/** End of the first message (the index after ";;\n" or ";;"), or -1. */
export function messageEnd(buf: Buffer, off: number, len: number): number {
  const i = buf.indexOf(';;', off);
  return i >= 0 && i + 2 <= off + len ? (buf[i + 2] === 0x0a && i + 3 <= off + len ? i + 3 : i + 2) : -1;
}

export function parseFox(buf: Buffer, off: number, len: number): FoxParse {
  const end = Math.min(off + len, buf.length);
  if (!startsFox(buf, off, end - off)) return { ok: false, code: 'bad_message', detail: 'no "fox " prefix' };
  const text = buf.toString('latin1', off, end);
  const lines = text.split('\n');
  const head = lines[0]!.trim().split(' ');
  const command = head[head.length - 1] ?? '';
  if (head.length < 3 || lines.length < 2 || lines[1]!.trim() !== '{')
    return { ok: false, code: 'bad_message', detail: `first line "${lines[0]!.slice(0, 40)}"` };
  const values: Record<string, string> = {};
  for (let i = 2; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith('};;')) break;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq);
    if (HELLO_FACTS[key] === undefined || line[eq + 2] !== ':') continue;
    const type = line[eq + 1];
    if (type !== 's' && type !== 'i') continue;
    const v = line.slice(eq + 3).trim();
    if (v) values[key] = v.length > MAX_VALUE ? v.slice(0, MAX_VALUE) : v;
  }
  return { ok: true, msg: { command, values } };
}
