/**
 * The opening of a text protocol's flow (a banner, a header block, a hello): the probe on its
 * first bytes, and per direction the bytes gathered across deliveries until the analyzer is
 * done with that direction. Nothing is copied while a delivery holds the whole opening.
 */
import type { Direction, ProbeResult } from './analyzer.js';

const EMPTY = Buffer.alloc(0);

/** A probe: 'more' under `min` bytes, then whether `starts` recognises them. */
export function openingProbe(
  min: number,
  starts: (buf: Buffer, off: number, len: number) => boolean,
): (buf: Buffer, off: number, len: number) => ProbeResult {
  return (buf, off, len) => (len < min ? 'more' : starts(buf, off, len) ? 'yes' : 'no');
}

export class Preface {
  private readonly acc: [Buffer | null, Buffer | null] = [EMPTY, EMPTY];

  /**
   * The bytes held for `dir` followed by these (in place when none are held), or null once
   * the direction is done.
   */
  join(dir: Direction, buf: Buffer, off: number, len: number): Buffer | null {
    const have = this.acc[dir];
    if (have === null) return null;
    return have.length === 0
      ? buf.subarray(off, off + len)
      : Buffer.concat([have, buf.subarray(off, off + len)]);
  }

  /** Holds a copy of `all` (from `join`) until the next delivery. */
  keep(dir: Direction, all: Buffer): void {
    this.acc[dir] = Buffer.from(all);
  }

  /** Nothing more is read in this direction (also after lost bytes). */
  done(dir: Direction): void {
    this.acc[dir] = null;
  }
}
