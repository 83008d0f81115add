/**
 * TCP reassembly, one `TcpStream` per direction: turns segments into the ordered byte stream
 * an analyzer reads. In-order data (nearly all of it) is handed on in place without a copy;
 * only segments that arrive ahead of a hole are copied and held, up to a per-stream cap and
 * a global one. Retransmissions are dropped, overlaps trimmed (first copy wins, as most
 * end hosts do), and a hole that cannot be filled — the buffer cap is reached, the receiver
 * acknowledged past it (the capture lost it), or the flow ends — is reported to the consumer
 * as a gap so the analyzer can resynchronise. Sequence numbers compare modulo 2^32.
 */

export interface StreamConsumer {
  deliver(dir: 0 | 1, buf: Buffer, off: number, len: number): void;
  gap(dir: 0 | 1, len: number): void;
}

export interface ReassemblyBudget {
  /** Bytes held out of order across all streams, and its cap. */
  held: number;
  readonly maxHeld: number;
  readonly maxPerStream: number;
}

type Held = { seq: number; data: Buffer };

/** Signed distance a - b in sequence space. */
function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

export class TcpStream {
  /** Next sequence number expected; meaningful once `started`. */
  next = 0;
  started = false;
  /** The SYN's sequence number, -1 before one is seen. */
  isn = -1;
  /** Segments ahead of a hole: sorted by sequence number and never overlapping. */
  held: Held[] | null = null;
  heldBytes = 0;
  delivered = 0;
  gapBytes = 0;
  retransmitted = 0;

  constructor(readonly dir: 0 | 1) {}

  /** A SYN fixes the initial sequence number. */
  syn(seq: number): void {
    // A retransmitted SYN (the SYN-ACK was lost, or SYN with data resent) must not rewind
    // `next`: that delivered the SYN's data, and everything after it, a second time.
    if (this.started && seq === this.isn) return;
    this.isn = seq;
    this.next = (seq + 1) >>> 0;
    this.started = true;
  }

  segment(
    seq: number,
    buf: Buffer,
    off: number,
    len: number,
    out: StreamConsumer,
    budget: ReassemblyBudget,
  ): void {
    if (!this.started) {
      // Picked up mid-connection: trust the first segment seen.
      this.next = seq;
      this.started = true;
    }
    for (;;) {
      const rel = seqDiff(seq, this.next);
      if (rel <= 0) {
        const skip = -rel;
        if (skip >= len) {
          if (len > 0) this.retransmitted += len;
          return;
        }
        if (skip > 0) {
          this.retransmitted += skip;
          seq = (seq + skip) >>> 0;
          off += skip;
          len -= skip;
        }
        const held = this.held;
        if (held === null || held.length === 0) {
          this.emit(buf, off, len, out);
          return;
        }
        // Bytes already held keep their first copy: deliver up to where they start, then them,
        // then whatever of this segment lies beyond (the first version let an in-order
        // segment overwrite held bytes, so which copy won depended on arrival pattern).
        const room = seqDiff(held[0]!.seq, this.next);
        const take = Math.min(room, len);
        this.emit(buf, off, take, out);
        this.drain(out, budget);
        if (take === len) return;
        seq = (seq + take) >>> 0;
        off += take;
        len -= take;
        continue;
      }
      // Ahead of a hole: hold a copy if the budget allows.
      if (this.heldBytes + len <= budget.maxPerStream && budget.held + len <= budget.maxHeld) {
        this.hold(seq, buf, off, len, budget);
        return;
      }
      // Over the cap: give up the oldest hole — in front of the first held segment, or of this
      // one — deliver what follows it, and try again; each round moves `next` on. (Jumping
      // straight to this segment, as the first version did, threw away every held byte before
      // it and reported them as a gap.)
      const held = this.held;
      if (held !== null && held.length > 0 && seqDiff(held[0]!.seq, seq) <= 0) {
        this.flushHole(held[0]!.seq, out);
        this.drain(out, budget);
      } else {
        this.flushHole(seq, out);
      }
    }
  }

  /** The peer acknowledged `ack`: any hole before it was lost by the capture, not the network. */
  acked(ack: number, out: StreamConsumer, budget: ReassemblyBudget): void {
    const held = this.held;
    // Every hole the acknowledgement passes, not only the first.
    while (
      held !== null &&
      held.length > 0 &&
      seqDiff(ack, this.next) > 0 &&
      seqDiff(ack, held[0]!.seq) >= 0
    ) {
      this.flushHole(held[0]!.seq, out);
      this.drain(out, budget);
    }
  }

  /** The flow is over: give up every remaining hole, delivering what lies past it. */
  finish(out: StreamConsumer, budget: ReassemblyBudget): void {
    while (this.held && this.held.length > 0) {
      this.flushHole(this.held[0]!.seq, out);
      this.drain(out, budget);
    }
  }

  private emit(buf: Buffer, off: number, len: number, out: StreamConsumer): void {
    this.next = (this.next + len) >>> 0;
    this.delivered += len;
    out.deliver(this.dir, buf, off, len);
  }

  private flushHole(upTo: number, out: StreamConsumer): void {
    const missing = seqDiff(upTo, this.next);
    if (missing <= 0) return;
    this.gapBytes += missing;
    this.next = upTo >>> 0;
    out.gap(this.dir, missing);
  }

  /** Copy the parts of [seq, seq+len) no held segment covers; covered bytes keep their first copy. */
  private hold(seq: number, buf: Buffer, off: number, len: number, budget: ReassemblyBudget): void {
    if (this.held === null) this.held = [];
    const held = this.held;
    let pos = 0; // bytes of the new segment dealt with
    let i = 0;
    while (i < held.length && pos < len) {
      const h = held[i]!;
      const hs = seqDiff(h.seq, seq);
      const he = hs + h.data.length;
      if (he <= pos) {
        i++;
        continue;
      }
      if (hs >= len) break;
      if (hs > pos) {
        held.splice(i, 0, { seq: (seq + pos) >>> 0, data: Buffer.from(buf.subarray(off + pos, off + hs)) });
        this.heldBytes += hs - pos;
        budget.held += hs - pos;
        i++;
        pos = hs;
      }
      const end = Math.min(he, len);
      this.retransmitted += end - pos;
      pos = end;
      i++;
    }
    if (pos < len) {
      held.splice(i, 0, { seq: (seq + pos) >>> 0, data: Buffer.from(buf.subarray(off + pos, off + len)) });
      this.heldBytes += len - pos;
      budget.held += len - pos;
    }
  }

  private drain(out: StreamConsumer, budget: ReassemblyBudget): void {
    const held = this.held!;
    let n = 0;
    while (n < held.length) {
      const h = held[n]!;
      const rel = seqDiff(h.seq, this.next);
      if (rel > 0) break;
      n++;
      const skip = -rel;
      if (skip < h.data.length) {
        this.retransmitted += skip;
        this.emit(h.data, skip, h.data.length - skip, out);
      } else {
        this.retransmitted += h.data.length;
      }
      this.heldBytes -= h.data.length;
      budget.held -= h.data.length;
    }
    if (n > 0) held.splice(0, n);
  }
}
