/**
 * Cuts one direction of a TCP byte stream into protocol messages. Whole messages inside one
 * delivery are handed out in place (no copy); only a message that straddles deliveries is
 * copied into a per-direction buffer, which is capped so a hostile peer cannot grow it.
 */
import type { AnalyzerInstance, Direction } from './analyzer.js';

/**
 * Length of the message starting at `buf[off]` given `avail` bytes: a positive length, 0 when
 * more bytes are needed to tell, or -1 when the bytes cannot start a message.
 */
export type MeasureFn = (buf: Buffer, off: number, avail: number) => number;
export type MessageFn = (buf: Buffer, off: number, len: number) => void;

export type FramerError = 'invalid' | 'too-large';

export class StreamFramer {
  private pending: Buffer | null = null;
  private pendingLen = 0;
  /** Set after an invalid message or gap: drop bytes until `resync()` (a new delivery). */
  private lost = false;

  constructor(
    private readonly measure: MeasureFn,
    private readonly onMessage: MessageFn,
    private readonly onError: (error: FramerError, detail: string) => void,
    private readonly maxMessage = 65_536,
  ) {}

  push(buf: Buffer, off: number, len: number): void {
    if (this.lost) return;
    let pos = off;
    const end = off + len;
    if (this.pendingLen > 0) {
      pos = this.fillPending(buf, pos, end);
      if (pos < 0) return;
    }
    while (pos < end) {
      const need = this.measure(buf, pos, end - pos);
      if (need < 0) {
        this.fail('invalid', `bad message header at stream offset +${pos - off}`);
        return;
      }
      if (need > this.maxMessage) {
        this.fail('too-large', `message of ${need} bytes`);
        return;
      }
      if (need === 0 || need > end - pos) {
        this.stash(buf, pos, end - pos);
        return;
      }
      this.onMessage(buf, pos, need);
      pos += need;
    }
  }

  /** Bytes were lost: whatever is pending is unusable. */
  gap(): void {
    this.pendingLen = 0;
    this.lost = true;
  }

  /** Start again at a message boundary the analyzer found (e.g. after a gap). */
  resync(): void {
    this.pendingLen = 0;
    this.lost = false;
  }

  get synced(): boolean {
    return !this.lost;
  }

  /**
   * Complete the message held in `pending` from `buf[pos, end)`. Returns where in-place
   * processing resumes, or -1 when the input is used up (or the stream was given up).
   * `pending` can hold more than one message: while measuring, up to 64 header bytes are
   * taken, and a short message leaves the next one's first bytes behind it.
   */
  private fillPending(buf: Buffer, pos: number, end: number): number {
    for (;;) {
      const p = this.pending!;
      const need = this.measure(p, 0, this.pendingLen);
      if (need < 0) {
        this.fail('invalid', 'bad message header');
        return -1;
      }
      if (need > this.maxMessage) {
        this.fail('too-large', `message of ${need} bytes`);
        return -1;
      }
      if (need > 0 && this.pendingLen >= need) {
        const extra = this.pendingLen - need;
        this.onMessage(p, 0, need);
        if (this.lost) return -1;
        if (extra === 0) {
          this.pendingLen = 0;
          return pos;
        }
        p.copy(p, 0, need, need + extra);
        this.pendingLen = extra;
        continue;
      }
      if (pos >= end) return -1;
      // Take just enough to complete the message, or to learn its length (headers are small).
      const want = need === 0 ? 64 : need - this.pendingLen;
      const take = Math.min(want, end - pos);
      this.stash(buf, pos, take);
      if (this.lost) return -1;
      pos += take;
    }
  }

  private stash(buf: Buffer, pos: number, len: number): void {
    const total = this.pendingLen + len;
    if (total > this.maxMessage) {
      this.fail('too-large', `${total} bytes pending`);
      return;
    }
    if (!this.pending || this.pending.length < total) {
      const next = Buffer.allocUnsafe(Math.min(this.maxMessage, Math.max(256, total * 2)));
      if (this.pending) this.pending.copy(next, 0, 0, this.pendingLen);
      this.pending = next;
    }
    buf.copy(this.pending, this.pendingLen, pos, pos + len);
    this.pendingLen = total;
  }

  private fail(error: FramerError, detail: string): void {
    this.pendingLen = 0;
    this.lost = true;
    this.onError(error, detail);
  }
}

/**
 * A TCP analyzer instance that cuts each direction with its own framer (`framer(dir)`, made
 * once per flow). Lost bytes stop that direction's framer (`StreamFramer.gap`); nothing here
 * resynchronises it.
 */
export function framedStreams(framer: (dir: Direction) => StreamFramer, end?: () => void): AnalyzerInstance {
  const framers = [framer(0), framer(1)] as const;
  const inst: AnalyzerInstance = {
    data: (dir, buf, off, len) => framers[dir].push(buf, off, len),
    gap: (dir) => framers[dir].gap(),
  };
  if (end) inst.end = end;
  return inst;
}
