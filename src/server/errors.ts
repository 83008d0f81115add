/**
 * The hub's error catalogue: one code, HTTP status and title per kind of failure. The API
 * answers them as problem+json (RFC 9457); the CLI maps the same codes to exit codes.
 */

export const CATALOGUE = {
  LG_AUTH_REQUIRED: { status: 401, title: 'Sign-in required' },
  LG_BAD_CREDENTIALS: { status: 401, title: 'Wrong user name or password' },
  LG_FORBIDDEN: { status: 403, title: 'Your role does not allow this' },
  LG_CSRF: { status: 403, title: 'Missing or invalid CSRF token' },
  LG_SETUP_TOKEN: { status: 403, title: 'Wrong setup token' },
  LG_VALIDATION: { status: 400, title: 'Invalid request' },
  LG_BAD_JSON: { status: 400, title: 'Body is not valid JSON' },
  LG_NOT_FOUND: { status: 404, title: 'Not found' },
  LG_CONFLICT: { status: 409, title: 'Already exists' },
  LG_STATE: { status: 409, title: 'Conflicts with the current state' },
  LG_POLICY_INVALID: { status: 422, title: 'Policy rejected' },
  LG_KEY_REJECTED: { status: 401, title: 'Security key check failed' },
  LG_CODE_REJECTED: { status: 401, title: 'Authenticator code check failed' },
  LG_STEP_UP: { status: 403, title: 'Confirm with your security key' },
  LG_SETUP_CLOSED: { status: 410, title: 'Setup is closed' },
  LG_TOO_LARGE: { status: 413, title: 'Too large' },
  LG_MEDIA_TYPE: { status: 415, title: 'Unsupported media type' },
  LG_RATE_LIMITED: { status: 429, title: 'Too many attempts' },
  LG_BUSY: { status: 503, title: 'Busy' },
  LG_UNAVAILABLE: { status: 503, title: 'Database unavailable' },
  LG_INTERNAL: { status: 500, title: 'Internal error' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof CATALOGUE;

export class HubError extends Error {
  readonly status: number;
  readonly title: string;

  constructor(
    readonly code: ErrorCode,
    /** What went wrong and where, for the person reading it (never a secret). */
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'HubError';
    this.status = CATALOGUE[code].status;
    this.title = CATALOGUE[code].title;
  }
}

export interface Problem {
  type: 'about:blank';
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
}

export function problem(code: ErrorCode, detail: string): Problem {
  const { status, title } = CATALOGUE[code];
  return { type: 'about:blank', title, status, detail, code };
}
