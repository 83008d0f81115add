/** What a decision says and why. */
import type { ActionId } from './actions.js';
import type { Reason } from './reasons.js';

export interface Target {
  /** Modbus unit id, or -1. */
  unit: number;
  /** Data space: `holding`, `coils`, `input`, `discrete-inputs`, `file`, `fifo`, `DB1`, `M`, … or ''. */
  space: string;
  /** First and last address (registers, bits or bytes as the space counts), or -1. */
  start: number;
  end: number;
}

export const NO_TARGET: Target = { unit: -1, space: '', start: -1, end: -1 };

export interface AccessRequest {
  user: string;
  action: ActionId;
  asset: string;
  /** Source IP address of the connection. */
  source: string;
  certificate?: { fingerprint: string; device: string; notAfter: number };
  /** When and how the session's user last proved themselves. */
  mfa?: { at: number; phishingResistant: boolean };
  target?: Target;
}

export interface Decision {
  allow: boolean;
  reasons: Reason[];
  /** Ids of the policies that determined the decision (empty: default deny). */
  policies: string[];
  /** The grant that covered the request, if one did. */
  grant?: string;
  /** Policies that failed to evaluate (they count as not applying). */
  errors: { policy: string; message: string }[];
}
