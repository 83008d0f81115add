/**
 * Open-addressing hash table of flows (linear probing, backward-shift deletion). Written by
 * hand because a Map would need a string key built per packet; here a lookup hashes and
 * compares ten numbers. Capacity doubles up to a bound set by the flow limit.
 */
import { Flow, type FlowKey } from './flow.js';

export class FlowTable {
  private slots: Int32Array;
  private mask: number;
  /** Live flows by index; holes are reused through `free`. */
  readonly flows: (Flow | undefined)[] = [];
  private readonly free: number[] = [];
  count = 0;

  constructor(initialCapacity = 1024) {
    const cap = 1 << Math.ceil(Math.log2(Math.max(16, initialCapacity)));
    this.slots = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
  }

  find(k: FlowKey): Flow | undefined {
    const slots = this.slots;
    const flows = this.flows;
    let i = k.hash & this.mask;
    for (;;) {
      const idx = slots[i]!;
      if (idx < 0) return undefined;
      const f = flows[idx]!;
      if (
        f.hash === k.hash &&
        f.meta === k.meta &&
        f.ports === k.ports &&
        f.a0 === k.a0 &&
        f.b0 === k.b0 &&
        f.a1 === k.a1 &&
        f.b1 === k.b1 &&
        f.a2 === k.a2 &&
        f.b2 === k.b2 &&
        f.a3 === k.a3 &&
        f.b3 === k.b3
      ) {
        return f;
      }
      i = (i + 1) & this.mask;
    }
  }

  insert(k: FlowKey): Flow {
    if ((this.count + 1) * 2 > this.slots.length) this.grow();
    const f = new Flow();
    f.hash = k.hash;
    f.meta = k.meta;
    f.ports = k.ports;
    f.a0 = k.a0;
    f.a1 = k.a1;
    f.a2 = k.a2;
    f.a3 = k.a3;
    f.b0 = k.b0;
    f.b1 = k.b1;
    f.b2 = k.b2;
    f.b3 = k.b3;
    const idx = this.free.length > 0 ? this.free.pop()! : this.flows.length;
    f.index = idx;
    this.flows[idx] = f;
    this.place(f.hash, idx);
    this.count++;
    return f;
  }

  remove(f: Flow): void {
    // Already removed (index -1): the probe below would stop at the first empty slot, "delete"
    // it, push -1 onto the free list and decrement the count.
    if (f.index < 0) return;
    const slots = this.slots;
    const mask = this.mask;
    let i = f.hash & mask;
    while (slots[i] !== f.index) {
      if (slots[i]! < 0) return; // not present
      i = (i + 1) & mask;
    }
    // Backward-shift deletion keeps every probe chain unbroken without tombstones.
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const idx = slots[j]!;
      if (idx < 0) break;
      const home = this.flows[idx]!.hash & mask;
      // Move slot j into the hole at i when its home is not in (i, j] cyclically.
      if (i <= j ? home <= i || home > j : home <= i && home > j) {
        slots[i] = idx;
        i = j;
      }
    }
    slots[i] = -1;
    this.flows[f.index] = undefined;
    this.free.push(f.index);
    f.index = -1;
    this.count--;
  }

  /** Live flows (a snapshot: safe to remove while iterating it). */
  live(): Flow[] {
    const out: Flow[] = [];
    for (const f of this.flows) if (f) out.push(f);
    return out;
  }

  private place(hash: number, idx: number): void {
    let i = hash & this.mask;
    while (this.slots[i]! >= 0) i = (i + 1) & this.mask;
    this.slots[i] = idx;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2).fill(-1);
    this.mask = this.slots.length - 1;
    for (let i = 0; i < old.length; i++) {
      const idx = old[i]!;
      if (idx >= 0) this.place(this.flows[idx]!.hash, idx);
    }
  }
}
