/**
 * The per-flow table of Modbus requests awaiting their response, keyed by transaction id and
 * unit id (Modbus Messaging on TCP/IP Implementation Guide v1.0b §3.1.3: the server copies
 * both into its response). Bounded: slots are allocated once per flow and reused; the oldest
 * entry is evicted when a new request finds the table full. Oldest first, so a reused
 * transaction id (clients that always send 0) matches its earliest request.
 */
import type { OpKind } from '../../events/types.js';

export interface PendingRequest {
  key: number;
  unit: number;
  fc: number;
  sub: number;
  a: number;
  q: number;
  a2: number;
  q2: number;
  kind: OpKind;
  /** Evidence of the request: packet time (ms) and frame number. */
  ts: number;
  frame: number;
}

export function pendingKey(transaction: number, unit: number): number {
  return transaction * 256 + unit;
}

export class PendingTable {
  private readonly slots: PendingRequest[] = [];
  private n = 0;

  constructor(readonly cap: number) {}

  get size(): number {
    return this.n;
  }

  /**
   * A slot for a new request, filled by the caller. When the table is full the oldest entry
   * is handed to `evicted` first (and its slot reused).
   */
  add(evicted: (old: PendingRequest) => void): PendingRequest {
    if (this.n === this.cap) {
      evicted(this.slots[0]!);
      this.removeAt(0);
    }
    let slot = this.slots[this.n];
    if (slot === undefined) {
      slot = {
        key: 0,
        unit: 0,
        fc: 0,
        sub: -1,
        a: -1,
        q: -1,
        a2: -1,
        q2: -1,
        kind: 'other',
        ts: 0,
        frame: 0,
      };
      this.slots.push(slot);
    }
    this.n++;
    return slot;
  }

  /**
   * Removes and returns the oldest request with `key`, or undefined. The returned object is
   * valid until the next `add`.
   */
  take(key: number): PendingRequest | undefined {
    for (let i = 0; i < this.n; i++) {
      const s = this.slots[i]!;
      if (s.key === key) {
        this.removeAt(i);
        return s;
      }
    }
    return undefined;
  }

  /** Every pending request, oldest first, then the table is empty. */
  drain(each: (r: PendingRequest) => void): void {
    for (let i = 0; i < this.n; i++) each(this.slots[i]!);
    this.n = 0;
  }

  /** Moves slot `i` to the free end, keeping the others in order. */
  private removeAt(i: number): void {
    const s = this.slots[i]!;
    for (let j = i; j < this.n - 1; j++) this.slots[j] = this.slots[j + 1]!;
    this.slots[this.n - 1] = s;
    this.n--;
  }
}
