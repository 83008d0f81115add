/**
 * Commands awaiting their activation confirmation (IEC 60870-5-101 §7.2.3: the outstation
 * mirrors an activation's type id, common address and information object address with cause
 * 7 or 9, or 44–47 when it rejects it). Keyed by those three; bounded; oldest first; slots
 * allocated once per flow and reused.
 */
export interface PendingCommand {
  key: number;
  type: number;
  ca: number;
  ioa: number;
  count: number;
  sequence: boolean;
  select: number;
  /** Request evidence: packet time (ms) and frame number. */
  ts: number;
  frame: number;
}

/** type (8 bits), common address (16), IOA (24): 48 bits, exact in a double. */
export function commandKey(type: number, ca: number, ioa: number): number {
  return (type * 0x10000 + ca) * 0x1000000 + Math.max(0, ioa);
}

export class PendingCommands {
  private readonly slots: PendingCommand[] = [];
  private n = 0;

  constructor(readonly cap: number) {}

  get size(): number {
    return this.n;
  }

  /** A slot for a new command; when full the oldest goes to `evicted` first. */
  add(evicted: (old: PendingCommand) => void): PendingCommand {
    if (this.n === this.cap) {
      evicted(this.slots[0]!);
      this.removeAt(0);
    }
    let slot = this.slots[this.n];
    if (slot === undefined) {
      slot = { key: 0, type: 0, ca: 0, ioa: 0, count: 0, sequence: false, select: -1, ts: 0, frame: 0 };
      this.slots.push(slot);
    }
    this.n++;
    return slot;
  }

  /** Removes and returns the oldest command with `key` (valid until the next `add`). */
  take(key: number): PendingCommand | undefined {
    for (let i = 0; i < this.n; i++) {
      const s = this.slots[i]!;
      if (s.key === key) {
        this.removeAt(i);
        return s;
      }
    }
    return undefined;
  }

  drain(each: (c: PendingCommand) => void): void {
    for (let i = 0; i < this.n; i++) each(this.slots[i]!);
    this.n = 0;
  }

  private removeAt(i: number): void {
    const s = this.slots[i]!;
    for (let j = i; j < this.n - 1; j++) this.slots[j] = this.slots[j + 1]!;
    this.slots[this.n - 1] = s;
    this.n--;
  }
}
