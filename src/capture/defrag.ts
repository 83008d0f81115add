/**
 * IPv4 and IPv6 fragment reassembly, bounded in datagrams, bytes and time. Fragments are rare
 * on plant networks, so this path favours clarity over speed (it allocates per fragment).
 * Overlapping fragments keep the first copy (the Teardrop/evasion case is reported, not
 * honoured).
 */

export interface DefragLimits {
  /** Datagrams under reassembly at once. */
  maxDatagrams: number;
  /** Bytes held across all of them. */
  maxBytes: number;
  /** Give up on a datagram after this long (capture time). */
  timeoutUs: number;
}

export const DEFAULT_DEFRAG_LIMITS: DefragLimits = {
  maxDatagrams: 4096,
  maxBytes: 8 << 20,
  timeoutUs: 30_000_000,
};

type Piece = { offset: number; data: Buffer };

interface Pending {
  pieces: Piece[];
  /** Total payload length, known once the last fragment (more=false) arrives; -1 before. */
  total: number;
  bytes: number;
  frames: number;
  wireBytes: number;
  firstUs: number;
}

export type DefragResult =
  | { kind: 'pending' }
  | { kind: 'complete'; payload: Buffer; frames: number; wireBytes: number; overlapped: boolean }
  | { kind: 'dropped'; reason: 'too-large' | 'limit' | 'overlap-conflict' };

const MAX_DATAGRAM = 65_535;

export class Defragmenter {
  private readonly pending = new Map<string, Pending>();
  private held = 0;
  private readonly overlapConflict = new Set<string>();
  timeouts = 0;

  constructor(private readonly limits: DefragLimits = DEFAULT_DEFRAG_LIMITS) {}

  get size(): number {
    return this.pending.size;
  }

  add(
    key: string,
    offset: number,
    more: boolean,
    buf: Buffer,
    off: number,
    len: number,
    tsUs: number,
    wireBytes: number,
  ): DefragResult {
    if (offset + len > MAX_DATAGRAM) {
      this.drop(key);
      return { kind: 'dropped', reason: 'too-large' };
    }
    let d = this.pending.get(key);
    if (!d) {
      if (this.pending.size >= this.limits.maxDatagrams || this.held + len > this.limits.maxBytes) {
        this.expire(tsUs);
        if (this.pending.size >= this.limits.maxDatagrams || this.held + len > this.limits.maxBytes) {
          return { kind: 'dropped', reason: 'limit' };
        }
      }
      d = { pieces: [], total: -1, bytes: 0, frames: 0, wireBytes: 0, firstUs: tsUs };
      this.pending.set(key, d);
    }
    d.frames++;
    d.wireBytes += wireBytes;
    if (!more) d.total = offset + len;
    let conflict = false;
    for (const p of d.pieces) {
      const lo = Math.max(p.offset, offset);
      const hi = Math.min(p.offset + p.data.length, offset + len);
      if (
        lo < hi &&
        p.data.compare(buf, off + lo - offset, off + hi - offset, lo - p.offset, hi - p.offset) !== 0
      ) {
        conflict = true;
      }
    }
    if (conflict) this.overlapConflict.add(key);
    d.pieces.push({ offset, data: Buffer.from(buf.subarray(off, off + len)) });
    d.bytes += len;
    this.held += len;
    if (d.total < 0) return { kind: 'pending' };
    // Complete when the pieces, first copy first, cover [0, total) without a hole.
    const sorted = d.pieces.slice().sort((a, b) => a.offset - b.offset);
    let covered = 0;
    for (const p of sorted) {
      if (p.offset > covered) return { kind: 'pending' };
      covered = Math.max(covered, p.offset + p.data.length);
    }
    if (covered < d.total) return { kind: 'pending' };
    const payload = Buffer.alloc(d.total);
    // Write later copies first so the first-received bytes win where pieces overlap.
    for (let i = d.pieces.length - 1; i >= 0; i--) {
      const p = d.pieces[i]!;
      p.data.copy(payload, p.offset, 0, Math.max(0, Math.min(p.data.length, d.total - p.offset)));
    }
    const overlapped = this.overlapConflict.delete(key);
    this.drop(key);
    return { kind: 'complete', payload, frames: d.frames, wireBytes: d.wireBytes, overlapped };
  }

  /** Forget datagrams older than the timeout. */
  expire(nowUs: number): void {
    for (const [key, d] of this.pending) {
      if (nowUs - d.firstUs > this.limits.timeoutUs) {
        this.drop(key);
        this.timeouts++;
      }
    }
  }

  private drop(key: string): void {
    const d = this.pending.get(key);
    if (!d) return;
    this.held -= d.bytes;
    this.pending.delete(key);
    this.overlapConflict.delete(key);
  }
}
