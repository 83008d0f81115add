/**
 * The per-flow table of Modbus requests awaiting their response, keyed by transaction id and
 * unit id (Modbus Messaging on TCP/IP Implementation Guide v1.0b §3.1.3: the server copies
 * both into its response). Bounded: slots are allocated once per flow and reused; the oldest
 * entry is evicted when a new request finds the table full. Oldest first, so a reused
 * transaction id (clients that always send 0) matches its earliest request.
 */
import type { OpKind } from '../../events/types.js';
import { PendingSlots } from '../pending.js';

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

/** A slot for a new request, filled in by the caller. */
function blank(): PendingRequest {
  return { key: 0, unit: 0, fc: 0, sub: -1, a: -1, q: -1, a2: -1, q2: -1, kind: 'other', ts: 0, frame: 0 };
}

export class PendingTable extends PendingSlots<PendingRequest> {
  constructor(cap: number) {
    super(cap, blank);
  }
}
