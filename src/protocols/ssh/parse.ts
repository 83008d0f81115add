/**
 * SSH identification line parser (RFC 4253 §4.2). Pure; never throws. Finds the first line
 * starting "SSH-" in `buf[off, off + len)` (lines before it are skipped, as the RFC allows a
 * server) and splits protocol version, software version and comments. Not parsed: anything
 * after the identification (key exchange and the encrypted transport).
 */
import { MAX_BANNER } from './consts.js';

export interface SshBanner {
  /** The whole line without CR LF. */
  banner: string;
  protocol: string;
  software: string;
  comments?: string;
  /** Index just past the line. */
  end: number;
}

export type BannerParse =
  | { ok: true; msg: SshBanner }
  | { ok: false; code: 'incomplete' | 'bad_banner'; detail: string };

export function startsSsh(buf: Buffer, off: number, len: number): boolean {
  return (
    len >= 4 && buf[off] === 0x53 && buf[off + 1] === 0x53 && buf[off + 2] === 0x48 && buf[off + 3] === 0x2d
  );
}

export function parseBanner(buf: Buffer, off: number, len: number): BannerParse {
  const end = Math.min(off + len, buf.length);
  let p = off;
  while (p < end) {
    const nl = buf.indexOf(0x0a, p);
    if (nl < 0 || nl >= end)
      return { ok: false, code: 'incomplete', detail: `${end - p} bytes without a line end` };
    if (startsSsh(buf, p, nl - p)) {
      const lineEnd = nl > p && buf[nl - 1] === 0x0d ? nl - 1 : nl;
      if (nl + 1 - p > MAX_BANNER)
        return { ok: false, code: 'bad_banner', detail: `identification of ${nl + 1 - p} bytes` };
      let line = '';
      for (let i = p; i < lineEnd; i++) {
        const c = buf[i]!;
        if (c < 0x20 || c > 0x7e)
          return { ok: false, code: 'bad_banner', detail: `byte 0x${c.toString(16)} in the identification` };
        line += String.fromCharCode(c);
      }
      const sp = line.indexOf(' ');
      const ids = sp < 0 ? line : line.slice(0, sp);
      const dash = ids.indexOf('-', 4);
      if (dash < 0) return { ok: false, code: 'bad_banner', detail: 'no software version' };
      const msg: SshBanner = {
        banner: line,
        protocol: ids.slice(4, dash),
        software: ids.slice(dash + 1),
        end: nl + 1,
      };
      if (sp >= 0 && sp + 1 < line.length) msg.comments = line.slice(sp + 1);
      return { ok: true, msg };
    }
    p = nl + 1;
  }
  return { ok: false, code: 'incomplete', detail: 'no identification yet' };
}
