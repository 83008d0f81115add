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

/** Held bytes of one datagram: sorted by offset, never overlapping (first copy wins). */
type Piece = { offset: number; data: Buffer };

interface Pending {
  pieces: Piece[];
  /** Total payload length, known once the last fragment (more=false) arrives; -1 before. */
  total: number;
  bytes: number;
  frames: number;
  wireBytes: number;
  firstUs: number;
  /** Some overlap carried bytes different from the first copy. */
  overlapped: boolean;
}

export type DefragResult =
  | { kind: 'pending' }
  | { kind: 'complete'; payload: Buffer; frames: number; wireBytes: number; overlapped: boolean }
  | { kind: 'dropped'; reason: 'too-large' | 'limit' | 'overlap-conflict' };

const MAX_DATAGRAM = 65_535;

export class Defragmenter {
  private readonly pending = new Map<string, Pending>();
  private held = 0;
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
      d = { pieces: [], total: -1, bytes: 0, frames: 0, wireBytes: 0, firstUs: tsUs, overlapped: false };
      this.pending.set(key, d);
    }
    // Only the parts of [offset, end) no earlier piece covers are kept; overlaps are compared
    // with the first copy. (Keeping every piece, as the first version did, let a flood of
    // repeated fragments grow one datagram without bound — maxBytes was checked only for new
    // datagrams — and re-sorted them all on every arrival: 20,000 repeats took 74 s.)
    const end = offset + len;
    const fresh: number[] = [];
    let at = offset;
    let freshBytes = 0;
    for (const p of d.pieces) {
      const pEnd = p.offset + p.data.length;
      if (pEnd <= offset) continue;
      if (p.offset >= end) break;
      const lo = Math.max(p.offset, offset);
      const hi = Math.min(pEnd, end);
      if (p.data.compare(buf, off + lo - offset, off + hi - offset, lo - p.offset, hi - p.offset) !== 0) {
        d.overlapped = true;
      }
      if (p.offset > at) {
        fresh.push(at, p.offset);
        freshBytes += p.offset - at;
      }
      at = Math.max(at, hi);
    }
    if (at < end) {
      fresh.push(at, end);
      freshBytes += end - at;
    }
    if (freshBytes > 0 && this.held + freshBytes > this.limits.maxBytes) {
      this.drop(key);
      return { kind: 'dropped', reason: 'limit' };
    }
    d.frames++;
    d.wireBytes += wireBytes;
    if (!more) d.total = end;
    if (fresh.length > 0) {
      for (let i = 0; i < fresh.length; i += 2) {
        const lo = fresh[i]!;
        const hi = fresh[i + 1]!;
        d.pieces.push({ offset: lo, data: Buffer.from(buf.subarray(off + lo - offset, off + hi - offset)) });
      }
      d.pieces.sort((a, b) => a.offset - b.offset);
      d.bytes += freshBytes;
      this.held += freshBytes;
    }
    if (d.total < 0 || d.bytes < d.total) return { kind: 'pending' };
    // Complete when the pieces cover [0, total) without a hole.
    let covered = 0;
    for (const p of d.pieces) {
      if (p.offset > covered) break;
      covered = p.offset + p.data.length;
    }
    if (covered < d.total) return { kind: 'pending' };
    const payload = Buffer.alloc(d.total);
    for (const p of d.pieces) {
      if (p.offset >= d.total) break;
      p.data.copy(payload, p.offset, 0, Math.min(p.data.length, d.total - p.offset));
    }
    this.drop(key);
    return { kind: 'complete', payload, frames: d.frames, wireBytes: d.wireBytes, overlapped: d.overlapped };
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
  }
}
