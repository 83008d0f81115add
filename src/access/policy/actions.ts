/**
 * The actions a policy speaks of: `connect`, and per protocol one action per operation kind
 * of the analyzers (`OpKind` in events/types.ts): `modbus:read`, `s7:program`, `enip:write`, …
 * Each per-protocol action is also in its kind's group (`Action::"write"`) and its protocol's
 * group (`Action::"modbus"`), so a policy can say "no writes anywhere" in one line.
 */
import type { OpKind } from '../../events/types.js';

export const OP_KINDS: readonly OpKind[] = [
  'read',
  'write',
  'program',
  'control',
  'diagnostic',
  'identify',
  'other',
];

/** Protocols the gateway filters by operation (the analyzers' names, `s7` for s7comm). */
export const OP_PROTOCOLS = ['modbus', 's7', 'enip'] as const;
export type OpProtocol = (typeof OP_PROTOCOLS)[number];

export type OperationAction = `${OpProtocol}:${OpKind}`;
export type ActionId = 'connect' | OperationAction;

export const OPERATION_ACTIONS: readonly OperationAction[] = OP_PROTOCOLS.flatMap((p) =>
  OP_KINDS.map((k): OperationAction => `${p}:${k}`),
);

export const ACTIONS: readonly ActionId[] = ['connect', ...OPERATION_ACTIONS];

const ACTION_SET: ReadonlySet<string> = new Set(ACTIONS);

export function isAction(s: string): s is ActionId {
  return ACTION_SET.has(s);
}

/** `modbus:write` for protocol `modbus` and kind `write`, from a table made once. */
export function operationAction(protocol: OpProtocol, kind: OpKind): OperationAction {
  return BY_PROTOCOL[protocol][kind];
}

const BY_PROTOCOL = Object.fromEntries(
  OP_PROTOCOLS.map((p) => [p, Object.fromEntries(OP_KINDS.map((k) => [k, `${p}:${k}`]))]),
) as Record<OpProtocol, Record<OpKind, OperationAction>>;
