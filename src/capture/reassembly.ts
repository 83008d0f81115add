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
  held: Held[] | null = null;
  heldBytes = 0;
  delivered = 0;
  gapBytes = 0;
  retransmitted = 0;

  constructor(readonly dir: 0 | 1) {}

  /** A SYN fixes the initial sequence number. */
  syn(seq: number): void {
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
    const rel = seqDiff(seq, this.next);
    if (rel <= 0) {
      const skip = -rel;
      if (skip >= len) {
        if (len > 0) this.retransmitted += len;
        return;
      }
      if (skip > 0) this.retransmitted += skip;
      this.emit(buf, off + skip, len - skip, out);
      if (this.held) this.drain(out, budget);
      return;
    }
    // Ahead of a hole: hold a copy if the budget allows, else give the hole up.
    if (this.heldBytes + len > budget.maxPerStream || budget.held + len > budget.maxHeld) {
      this.flushHole(seq, out);
      this.emit(buf, off, len, out);
      if (this.held) this.drain(out, budget);
      return;
    }
    this.hold(seq, buf, off, len, budget);
  }

  /** The peer acknowledged `ack`: any hole before it was lost by the capture, not the network. */
  acked(ack: number, out: StreamConsumer, budget: ReassemblyBudget): void {
    const held = this.held;
    if (!held || held.length === 0 || seqDiff(ack, this.next) <= 0) return;
    const first = held[0]!;
    if (seqDiff(ack, first.seq) >= 0) {
      this.flushHole(first.seq, out);
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

  private hold(seq: number, buf: Buffer, off: number, len: number, budget: ReassemblyBudget): void {
    if (this.held === null) this.held = [];
    const held = this.held;
    // Keep held segments sorted by sequence; usually appended at the end.
    let i = held.length;
    while (i > 0 && seqDiff(held[i - 1]!.seq, seq) > 0) i--;
    if (i > 0 && held[i - 1]!.seq === seq && held[i - 1]!.data.length >= len) {
      this.retransmitted += len;
      return;
    }
    held.splice(i, 0, { seq, data: Buffer.from(buf.subarray(off, off + len)) });
    this.heldBytes += len;
    budget.held += len;
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
