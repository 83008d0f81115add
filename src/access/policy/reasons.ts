/**
 * The closed vocabulary of decision reasons (DESIGN.md "Every access decision explains
 * itself"). Operator policies name theirs with `@reason("…")`; an unknown reason is refused
 * when the policy is loaded, so the console, the audit log and tests only ever see these.
 */

export const REASONS = [
  // allow
  'permitted',
  'grant-active',
  // deny: identity and state
  'principal-unknown',
  'resource-unknown',
  'user-disabled',
  'asset-isolated',
  'certificate-missing',
  'certificate-expired',
  'certificate-revoked',
  'source-not-allowed',
  // deny: grants
  'grant-missing',
  'outside-window',
  'operation-not-permitted',
  // deny: policy
  'mfa-stale',
  'forbidden-by-policy',
  'no-matching-policy',
  'policy-error',
  // deny: the request itself
  'malformed-request',
  'unsupported-operation',
] as const;

export type Reason = (typeof REASONS)[number];

const SET: ReadonlySet<string> = new Set(REASONS);

export function isReason(s: string): s is Reason {
  return SET.has(s);
}
