/**
 * `access.*` events: every step of the gateway that matters to an auditor. Each is one entry
 * of the hash-chained audit log and goes out to the gateway's listeners (the hub's bus).
 */

export const ACCESS_EVENT_TYPES = [
  'access.request',
  'access.grant',
  'access.deny',
  'access.extend',
  'access.revoke',
  'access.approval.refused',
  'access.decision',
  'access.session.start',
  'access.session.end',
  'access.connect.refused',
  'access.policy.change',
  'access.policy.rejected',
  'access.directory.change',
  'access.asset.isolate',
  'access.cert.issue',
  'access.cert.revoke',
  'access.ca.create',
  'access.login',
  'access.login.refused',
  'access.password.change',
  'access.key.register',
  'access.key.remove',
  'access.totp.enrol',
  'access.totp.remove',
] as const;

export type AccessEventType = (typeof ACCESS_EVENT_TYPES)[number];

/** What a caller appends: the log adds sequence, time and the chain. */
export interface AccessEventInput {
  type: AccessEventType;
  /** Who did it: a user id, `system`, or `gateway`. */
  actor: string;
  /** What it concerns: a grant, session, user, asset or policy id. */
  subject: string;
  data: Record<string, unknown>;
}

export interface AuditEntry extends AccessEventInput {
  seq: number;
  ts: number;
  prev: string;
  hash: string;
}
