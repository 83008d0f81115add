/**
 * Requests waiting for their responses, per flow and requesting direction, keyed by the
 * protocol's request id (S7 PDU reference, S7comm-plus sequence number, MMS invoke id). Bounded:
 * past `cap` the oldest is evicted and handed back, so the caller emits it unanswered and
 * counts the overflow as an anomaly (DESIGN.md: caps per flow on pending transactions).
 */
import type { Evidence, OpKind } from '../../events/types.js';

export interface PendingOp {
  op: OpKind;
  code: string;
  target?: string;
  /** The request's packet: operations are emitted at the response with the request's evidence. */
  evidence: Evidence;
}

export class PendingTable<T extends PendingOp> {
  private readonly byKey = new Map<number, T>();

  constructor(private readonly cap: number) {}

  get size(): number {
    return this.byKey.size;
  }

  /**
   * Adds a request. Returns the one it displaced, if any: the same key still waiting (a
   * repeated id), or the oldest when the table was full (`overflow`).
   */
  add(key: number, value: T): { old: T; overflow: boolean } | undefined {
    const same = this.byKey.get(key);
    if (same !== undefined) {
      this.byKey.delete(key);
      this.byKey.set(key, value);
      return { old: same, overflow: false };
    }
    let displaced: { old: T; overflow: boolean } | undefined;
    if (this.byKey.size >= this.cap) {
      const oldest = this.byKey.keys().next().value!;
      displaced = { old: this.byKey.get(oldest)!, overflow: true };
      this.byKey.delete(oldest);
    }
    this.byKey.set(key, value);
    return displaced;
  }

  take(key: number): T | undefined {
    const v = this.byKey.get(key);
    if (v !== undefined) this.byKey.delete(key);
    return v;
  }

  /** Everything still waiting, oldest first; the table is left empty. */
  drain(): T[] {
    const all = [...this.byKey.values()];
    this.byKey.clear();
    return all;
  }
}
