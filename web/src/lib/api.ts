/**
 * The console's only door to the hub: same-origin JSON with the session cookie, the CSRF
 * header on every unsafe request, problem+json errors turned into messages, and a lost
 * session (401) reported once so the shell can show the login page.
 */
import type { User } from './hub-types.js';

export type SessionUser = Pick<User, 'id' | 'name' | 'role'>;

export interface SessionInfo {
  user: SessionUser;
  csrf: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrf = '';
let sessionLost: () => void = () => {};

export function setCsrf(token: string): void {
  csrf = token;
}

export function csrfToken(): string {
  return csrf;
}

let stepUp: (() => Promise<void>) | undefined;

/**
 * How to confirm a change with the security key when the hub asks (LG_STEP_UP): the request
 * is sent again once after it.
 */
export function onStepUp(fn: () => Promise<void>): void {
  stepUp = fn;
}

/** Called when the hub answers 401 to anything but a login or setup attempt. */
export function onSessionLost(fn: () => void): void {
  sessionLost = fn;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const CREDENTIAL_PATHS = [
  '/api/auth/login',
  '/api/auth/setup',
  '/api/auth/key/start',
  '/api/auth/key/finish',
  '/api/auth/code/finish',
];

/** The message a problem+json (or any) error response carries, read once. */
export async function errorFrom(res: Response): Promise<ApiError> {
  let message = `${res.status} ${res.statusText || 'error'}`.trim();
  let code: string | undefined;
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    const body = (await res.json().catch(() => null)) as {
      detail?: unknown;
      title?: unknown;
      code?: unknown;
    } | null;
    if (body) {
      if (typeof body.detail === 'string' && body.detail) message = body.detail;
      else if (typeof body.title === 'string' && body.title) message = body.title;
      if (typeof body.code === 'string') code = body.code;
    }
  }
  return new ApiError(res.status, message, code);
}

/** Reports a 401 as a lost session unless it answered a credentials check. */
export function noteStatus(status: number, path: string): void {
  if (status === 401 && !CREDENTIAL_PATHS.includes(path)) sessionLost();
}

export async function request<T>(
  method: string,
  path: string,
  opts: { body?: unknown; query?: URLSearchParams; signal?: AbortSignal; confirmed?: boolean } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  if (UNSAFE.has(method) && csrf) headers['x-csrf-token'] = csrf;
  const q = opts.query?.toString();
  const res = await fetch(q ? `${path}?${q}` : path, {
    method,
    headers,
    credentials: 'same-origin',
    ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  noteStatus(res.status, path);
  if (!res.ok) {
    const err = await errorFrom(res);
    if (err.code === 'LG_STEP_UP' && stepUp && !opts.confirmed) {
      await stepUp();
      return request<T>(method, path, { ...opts, confirmed: true });
    }
    throw err;
  }
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

export function getJson<T>(path: string, query?: URLSearchParams, signal?: AbortSignal): Promise<T> {
  return request<T>('GET', path, { ...(query ? { query } : {}), ...(signal ? { signal } : {}) });
}

export function postJson<T>(path: string, body?: unknown): Promise<T> {
  return request<T>('POST', path, body === undefined ? {} : { body });
}

/** `/api/assets/<id>` with the id escaped (ids hold colons: `mac:00:80:f4:12:34:01`). */
export function assetPath(id: string, sub?: 'flows' | 'operations'): string {
  return `/api/assets/${encodeURIComponent(id)}${sub ? `/${sub}` : ''}`;
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
