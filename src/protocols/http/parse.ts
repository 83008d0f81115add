/**
 * HTTP/1.x header block parser (RFC 9112 §2-§5): the start line (request method and target, or
 * response status) and the header fields named in `wanted`, from a block ending in an empty
 * line. Bounded by the caller (MAX_HEADER bytes); values capped at MAX_VALUE. Pure; never
 * throws. Not parsed: bodies, chunked encoding, obsolete line folding, HTTP/2.
 */
import { MAX_VALUE, METHODS } from './consts.js';

export interface HttpHead {
  request: boolean;
  method?: string;
  status?: number;
  /** Lower-cased field name → value (first occurrence). */
  fields: Record<string, string>;
}

export type HttpParse = { ok: true; msg: HttpHead } | { ok: false; code: 'bad_start_line'; detail: string };

/** Method and space, or "HTTP/1." at `off`: the probe's test and the start of a message. */
export function startsHttp(buf: Buffer, off: number, len: number): boolean {
  if (len >= 7 && buf.toString('latin1', off, off + 7) === 'HTTP/1.') return true;
  for (const m of METHODS) {
    if (len > m.length + 1 && buf.toString('latin1', off, off + m.length + 1) === `${m} `) {
      const c = buf[off + m.length + 1];
      return c === 0x2f || c === 0x68 || c === 0x2a || (m === 'CONNECT' && c !== 0x20);
    }
  }
  return false;
}

/** End of the header block (index after CRLFCRLF or LFLF), or -1. */
export function headerEnd(buf: Buffer, off: number, len: number): number {
  const end = Math.min(off + len, buf.length);
  const a = buf.indexOf('\r\n\r\n', off, 'latin1');
  if (a >= 0 && a + 4 <= end) return a + 4;
  const b = buf.indexOf('\n\n', off, 'latin1');
  return b >= 0 && b + 2 <= end ? b + 2 : -1;
}

export function parseHead(buf: Buffer, off: number, len: number, wanted: readonly string[]): HttpParse {
  const end = Math.min(off + len, buf.length);
  const lines = buf.toString('latin1', off, end).split(/\r?\n/);
  const start = lines[0] ?? '';
  const fields: Record<string, string> = {};
  let msg: HttpHead;
  const resp = /^HTTP\/1\.[01] (\d{3})/.exec(start);
  if (resp) msg = { request: false, status: Number(resp[1]), fields };
  else {
    const req = /^([A-Z]+) \S+ HTTP\/1\.[01]$/.exec(start);
    if (!req || !METHODS.includes(req[1]!))
      return { ok: false, code: 'bad_start_line', detail: start.slice(0, 60) };
    msg = { request: true, method: req[1]!, fields };
  }
  for (let i = 1; i < lines.length; i++) {
    const l = lines[i]!;
    if (l === '') break;
    const c = l.indexOf(':');
    if (c <= 0) continue;
    const name = l.slice(0, c).trim().toLowerCase();
    if (!wanted.includes(name) || fields[name] !== undefined) continue;
    const v = l.slice(c + 1).trim();
    fields[name] = v.length > MAX_VALUE ? v.slice(0, MAX_VALUE) : v;
  }
  return { ok: true, msg };
}

/** The realm of a WWW-Authenticate challenge (RFC 9110 §11.6.1). */
export function realmOf(challenge: string): string | undefined {
  const m = /realm="([^"]*)"/i.exec(challenge) ?? /realm=([^,\s]+)/i.exec(challenge);
  return m?.[1] || undefined;
}
