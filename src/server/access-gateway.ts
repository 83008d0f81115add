/**
 * The access gateway as the hub mounts it. One identity per person: the gateway's directory
 * is the source for access (kind, supplier, groups, security keys, grants), the hub's store
 * for console sign-in (password, console role), and the two are linked by name — the gateway
 * user `alice` is the console account `alice`. A console account gets its gateway record, as
 * an employee with no groups, the first time it needs one (registering a key, asking for
 * access); suppliers' engineers are created by an administrator with their supplier.
 */

import type { User as AccessUser } from '../access/directory/directory.js';
import type { AccessError, AccessErrorCode } from '../access/errors.js';
import type { AccessGateway } from '../access/gateway.js';
import type { WebAuthnService } from '../access/webauthn/service.js';
import type { User } from '../store/types.js';
import { type ErrorCode, HubError } from './errors.js';
import type { OneTimeSteps } from './one-time.js';

export interface HubAccess {
  gateway: AccessGateway;
  /** The group whose employees approve grants (the gateway's grant rules name the same). */
  approverGroup: string;
  /**
   * How recent a key sign-in on a console session must be for a device certificate, for adding
   * an authenticator app and for step-up changes (default KEY_LOGIN_FRESH_MS, 5 minutes).
   */
  keyWindowMs?: number;
}

/** Every gateway error code as the hub's, so a new one needs a decision here. */
const FROM_ACCESS: Record<AccessErrorCode, ErrorCode> = {
  ACCESS_VALIDATION: 'LG_VALIDATION',
  ACCESS_NOT_FOUND: 'LG_NOT_FOUND',
  ACCESS_CONFLICT: 'LG_STATE',
  ACCESS_FORBIDDEN: 'LG_FORBIDDEN',
  ACCESS_POLICY_INVALID: 'LG_POLICY_INVALID',
  ACCESS_CA_LOCKED: 'LG_UNAVAILABLE',
  ACCESS_CERTIFICATE: 'LG_VALIDATION',
  ACCESS_WEBAUTHN: 'LG_KEY_REJECTED',
  ACCESS_TOTP: 'LG_CODE_REJECTED',
};

export function fromAccessError(e: AccessError): [ErrorCode, string] {
  return [FROM_ACCESS[e.code], e.detail];
}

export function webauthnOf(access: HubAccess): WebAuthnService {
  const w = access.gateway.webauthn;
  if (w === undefined)
    throw new HubError('LG_UNAVAILABLE', 'security keys are not configured on this hub (no WebAuthn origin)');
  return w;
}

/** Whether gateway user `id` has a security key this hub can ask for. */
export async function hasSecurityKey(access: HubAccess, id: string): Promise<boolean> {
  const w = access.gateway.webauthn;
  return w !== undefined && (await w.keys(id)).length > 0;
}

export function isApprover(access: HubAccess, name: string): boolean {
  const u = access.gateway.directory.user(name);
  return u !== undefined && !u.disabled && u.kind === 'employee' && u.groups.includes(access.approverGroup);
}

/** The console account's gateway record, made (an employee, no groups) when it has none. */
export async function linkedUser(access: HubAccess, user: User): Promise<AccessUser> {
  const d = access.gateway.directory;
  const found = d.user(user.name);
  if (found !== undefined) return found;
  return d.addUser({ id: user.name, name: user.name, kind: 'employee' }, user.name);
}

/** The second step a password sign-in asks for (the answers' schemas are KeyRequired and CodeRequired). */
export type SecondStep =
  | { keyRequired: true; ceremony: string; options: Record<string, unknown>; codeStep?: string }
  | { codeRequired: true; codeStep: string };

/**
 * The second step of a password sign-in: none for an account with neither keys nor an
 * authenticator app; with keys, a login ceremony bound to that user, to be answered by one of
 * its keys (or, where codes are allowed and the user has an app, by a code instead); with only
 * an app, a code. The code step is a single-use token bound to the user, so a code alone (no
 * password) signs no one in. An app that codes are no longer allowed for fails closed. A
 * disabled gateway identity cannot use the console either (same answer as a wrong password).
 */
export async function secondStep(
  access: HubAccess,
  user: User,
  codeSteps: OneTimeSteps,
): Promise<SecondStep | undefined> {
  const gw = access.gateway;
  const linked = gw.directory.user(user.name);
  if (linked === undefined) return undefined;
  if (linked.disabled) throw new HubError('LG_BAD_CREDENTIALS', 'wrong user name or password');
  const app = await gw.totp.status(linked.id);
  const codeStep = app.enrolled && app.allowed ? codeSteps.hold(user.name) : undefined;
  if (gw.webauthn !== undefined && (await hasSecurityKey(access, linked.id))) {
    const { ceremony, options } = await gw.webauthn.startLogin(linked.id);
    return { keyRequired: true, ceremony, options: { ...options }, ...(codeStep ? { codeStep } : {}) };
  }
  if (codeStep !== undefined) return { codeRequired: true, codeStep };
  if (app.enrolled)
    throw new HubError(
      'LG_FORBIDDEN',
      `${user.name} signs in with an authenticator app, and this hub no longer allows codes: ask an administrator`,
    );
  return undefined;
}
