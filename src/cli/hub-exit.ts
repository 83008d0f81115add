/** The hub's error catalogue, the store's and the gateway's errors, as exit codes of the command. */
import { AccessError } from '../access/errors.js';
import { fromAccessError } from '../server/access-gateway.js';
import { type ErrorCode, HubError } from '../server/errors.js';
import { StoreError, type StoreErrorCode } from '../store/errors.js';
import { EXIT } from './exit.js';

/** Every catalogue code, so a new one needs a decision here. */
export const HUB_EXIT: Record<ErrorCode, number> = {
  LG_AUTH_REQUIRED: EXIT.usage,
  LG_BAD_CREDENTIALS: EXIT.usage,
  LG_FORBIDDEN: EXIT.usage,
  LG_CSRF: EXIT.usage,
  LG_SETUP_TOKEN: EXIT.usage,
  LG_VALIDATION: EXIT.usage,
  LG_BAD_JSON: EXIT.usage,
  LG_NOT_FOUND: EXIT.usage,
  LG_CONFLICT: EXIT.usage,
  LG_STATE: EXIT.usage,
  LG_POLICY_INVALID: EXIT.usage,
  LG_KEY_REJECTED: EXIT.usage,
  LG_CODE_REJECTED: EXIT.usage,
  LG_STEP_UP: EXIT.usage,
  LG_SETUP_CLOSED: EXIT.usage,
  LG_TOO_LARGE: EXIT.input,
  LG_MEDIA_TYPE: EXIT.input,
  LG_RATE_LIMITED: EXIT.usage,
  LG_BUSY: EXIT.internal,
  LG_UNAVAILABLE: EXIT.input,
  LG_INTERNAL: EXIT.internal,
};

export const STORE_EXIT: Record<StoreErrorCode, number> = {
  invalid: EXIT.usage,
  conflict: EXIT.usage,
  /** The database could not be opened: the command's input is missing. */
  unavailable: EXIT.input,
};

const LISTEN_ERRORS = new Set(['EADDRINUSE', 'EADDRNOTAVAIL', 'EACCES']);

/** The message and exit code for a failure the hub, the store or listening reports; else undefined. */
export function hubFailure(e: unknown): { message: string; exit: number } | undefined {
  if (e instanceof HubError) return { message: e.detail, exit: HUB_EXIT[e.code] };
  if (e instanceof StoreError) return { message: e.message, exit: STORE_EXIT[e.code] };
  if (e instanceof AccessError) {
    const [code, detail] = fromAccessError(e);
    return { message: detail, exit: HUB_EXIT[code] };
  }
  const err = e as NodeJS.ErrnoException;
  if (err instanceof Error && err.syscall === 'listen' && LISTEN_ERRORS.has(err.code ?? '')) {
    return { message: `cannot listen: ${err.message}; choose another --port or --host`, exit: EXIT.usage };
  }
  return undefined;
}
