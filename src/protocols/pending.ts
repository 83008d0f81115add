/**
 * Per-flow tables of requests awaiting their responses (DESIGN.md: caps per flow on pending
 * transactions). Both are bounded and insertion-ordered: oldest first, and a new request that
 * finds the table full gives up the oldest, handed to the caller's callback so it is emitted
 * unanswered (and the overflow counted as an anomaly). Callbacks are made once per flow.
 */
import type { Evidence, OpKind } from '../events/types.js';

/** A request's operation, emitted at the response with the request's evidence. */
export interface PendingOp {
  op: OpKind;
  code: string;
  target?: string;
  /** The request's packet. */
  evidence: Evidence;
}

/**
 * One request per key (the protocol's request id). A request whose key is still waiting
 * displaces the earlier one, which takes its place in the order, or with `requeue` goes to the
 * end as the newest.
 *
 * Two parallel arrays scanned linearly, not a Map: a table holds a handful of requests (at most
 * `cap`, 64 or fewer), and a Map that empties after every response reallocates its backing
 * store each time (V8 shrinks an OrderedHashMap whose entries fall under a quarter of its
 * capacity, even at the minimum capacity), which was the largest allocation per packet of
 * the S7 path.
 */
export class KeyedPending<T> {
  private readonly keys: number[] = [];
  private readonly values: (T | undefined)[] = [];
  private n = 0;

  constructor(
    private readonly cap: number,
    /** Hears of each request given up: to a repeated key (`overflow` false) or to make room. */
    private readonly displaced: (old: T, overflow: boolean) => void,
    private readonly requeue = false,
  ) {}

  get size(): number {
    return this.n;
  }

  add(key: number, value: T): void {
    const i = this.indexOf(key);
    if (i >= 0) {
      const same = this.values[i]!;
      if (this.requeue) {
        this.removeAt(i);
        this.push(key, value);
      } else this.values[i] = value;
      this.displaced(same, false);
      return;
    }
    if (this.n >= this.cap) {
      const old = this.values[0]!;
      this.removeAt(0);
      this.displaced(old, true);
    }
    this.push(key, value);
  }

  get(key: number): T | undefined {
    const i = this.indexOf(key);
    return i < 0 ? undefined : this.values[i];
  }

  delete(key: number): void {
    const i = this.indexOf(key);
    if (i >= 0) this.removeAt(i);
  }

  /** Removes and returns the request with `key`, or undefined. */
  take(key: number): T | undefined {
    const i = this.indexOf(key);
    if (i < 0) return undefined;
    const v = this.values[i];
    this.removeAt(i);
    return v;
  }

  /** Every request still waiting, oldest first, then the table is empty. */
  drain(each: (v: T) => void): void {
    const n = this.n;
    this.n = 0;
    for (let i = 0; i < n; i++) {
      const v = this.values[i]!;
      this.values[i] = undefined;
      each(v);
    }
  }

  private indexOf(key: number): number {
    for (let i = 0; i < this.n; i++) if (this.keys[i] === key) return i;
    return -1;
  }

  private push(key: number, value: T): void {
    this.keys[this.n] = key;
    this.values[this.n] = value;
    this.n++;
  }

  /** Closes the gap at `i`, keeping the order; the freed slot lets go of its value. */
  private removeAt(i: number): void {
    const last = this.n - 1;
    for (let j = i; j < last; j++) {
      this.keys[j] = this.keys[j + 1]!;
      this.values[j] = this.values[j + 1];
    }
    this.values[last] = undefined;
    this.n = last;
  }
}

/**
 * Preallocated slots, filled in place by the caller: nothing is allocated per request once the
 * table has grown to its peak. Several requests may share a key; `take` finds the oldest, so a
 * reused id matches its earliest request.
 */
export class PendingSlots<T extends { key: number }> {
  private readonly slots: T[] = [];
  private n = 0;

  constructor(
    readonly cap: number,
    /** A new slot (its fields' initial values); called only while the table grows. */
    private readonly blank: () => T,
  ) {}

  get size(): number {
    return this.n;
  }

  /**
   * A slot for a new request, filled by the caller. When the table is full the oldest entry
   * is handed to `evicted` first (and its slot reused).
   */
  add(evicted: (old: T) => void): T {
    if (this.n === this.cap) {
      evicted(this.slots[0]!);
      this.removeAt(0);
    }
    let slot = this.slots[this.n];
    if (slot === undefined) {
      slot = this.blank();
      this.slots.push(slot);
    }
    this.n++;
    return slot;
  }

  /**
   * Removes and returns the oldest request with `key`, or undefined. The returned object is
   * valid until the next `add`.
   */
  take(key: number): T | undefined {
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
  drain(each: (r: T) => void): void {
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
