/**
 * Commands awaiting their activation confirmation (IEC 60870-5-101 §7.2.3: the outstation
 * mirrors an activation's type id, common address and information object address with cause
 * 7 or 9, or 44–47 when it rejects it). Keyed by those three; bounded; oldest first; slots
 * allocated once per flow and reused.
 */
import { PendingSlots } from '../pending.js';

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

/** A slot for a new command, filled in by the caller. */
function blank(): PendingCommand {
  return { key: 0, type: 0, ca: 0, ioa: 0, count: 0, sequence: false, select: -1, ts: 0, frame: 0 };
}

export class PendingCommands extends PendingSlots<PendingCommand> {
  constructor(cap: number) {
    super(cap, blank);
  }
}
