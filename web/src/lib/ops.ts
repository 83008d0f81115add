/**
 * Operation kinds as an OT engineer weighs them: program and control change what a controller
 * does, write changes its data; those stand out everywhere they appear.
 */
import type { OpCounts, OpKind } from './hub-types.js';

export const OP_KINDS: readonly OpKind[] = [
  'program',
  'control',
  'write',
  'read',
  'diagnostic',
  'identify',
  'other',
];

export type OpRisk = 'high' | 'medium' | 'low';

export function opRisk(op: OpKind): OpRisk {
  if (op === 'program' || op === 'control') return 'high';
  if (op === 'write') return 'medium';
  return 'low';
}

/** Operations that change a controller's logic, state or data. */
export function changesProcess(op: OpKind): boolean {
  return opRisk(op) !== 'low';
}

/** The most serious operation in a set of counts, or undefined when none changes the process. */
export function worstOp(ops: OpCounts): OpKind | undefined {
  return OP_KINDS.find((k) => changesProcess(k) && (ops[k] ?? 0) > 0);
}

/** Non-zero counts, most serious first: `[['write', 3], ['read', 120]]`. */
export function opEntries(ops: OpCounts): [OpKind, number][] {
  return OP_KINDS.flatMap((k): [OpKind, number][] => {
    const n = ops[k] ?? 0;
    return n > 0 ? [[k, n]] : [];
  });
}
