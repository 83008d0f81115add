/**
 * The access gateway's error catalogue: a code, the HTTP status the API answers it with and a
 * title. The hub's server maps these to problem+json; the CLI maps them to exit codes. The
 * detail names what was wrong and where, never a secret.
 */

export const ACCESS_ERRORS = {
  ACCESS_VALIDATION: { status: 400, title: 'Invalid access request' },
  ACCESS_NOT_FOUND: { status: 404, title: 'Not found' },
  ACCESS_CONFLICT: { status: 409, title: 'Conflicts with the current state' },
  ACCESS_FORBIDDEN: { status: 403, title: 'Not allowed to do this' },
  ACCESS_POLICY_INVALID: { status: 422, title: 'Policy rejected' },
  ACCESS_CA_LOCKED: { status: 503, title: 'Certificate authority is locked' },
  ACCESS_CERTIFICATE: { status: 400, title: 'Certificate request rejected' },
  ACCESS_WEBAUTHN: { status: 401, title: 'Security key check failed' },
  ACCESS_TOTP: { status: 401, title: 'Authenticator code check failed' },
} as const satisfies Record<string, { status: number; title: string }>;

export type AccessErrorCode = keyof typeof ACCESS_ERRORS;

export class AccessError extends Error {
  readonly status: number;
  readonly title: string;

  constructor(
    readonly code: AccessErrorCode,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'AccessError';
    this.status = ACCESS_ERRORS[code].status;
    this.title = ACCESS_ERRORS[code].title;
  }
}
