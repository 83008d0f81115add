/**
 * Security keys in the browser, with @simplewebauthn/browser: the hub starts each ceremony and
 * checks the answer; the browser only asks the key. The answer is bound by the browser to this
 * page's origin, which is what makes a relayed login fail on the hub.
 */
import {
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  startAuthentication,
  startRegistration,
} from '@simplewebauthn/browser';
import { postJson, type SessionInfo } from '../lib/api.js';
import type { SecurityKey } from './types.js';

interface Ceremony<O> {
  ceremony: string;
  options: O;
}

/**
 * The answer of a password sign-in when the user has a key: sign the challenge with it (or,
 * with `codeStep`, give an authenticator code instead).
 */
export interface KeyRequired extends Ceremony<PublicKeyCredentialRequestOptionsJSON> {
  keyRequired: true;
  codeStep?: string;
}

/** The answer of a password sign-in when the user's second factor is an authenticator app. */
export interface CodeRequired {
  codeRequired: true;
  codeStep: string;
}

export function isKeyRequired(v: unknown): v is KeyRequired {
  return typeof v === 'object' && v !== null && (v as { keyRequired?: unknown }).keyRequired === true;
}

export function isCodeRequired(v: unknown): v is CodeRequired {
  return typeof v === 'object' && v !== null && (v as { codeRequired?: unknown }).codeRequired === true;
}

/** Finishes a sign-in ceremony (the password's second step, or a key alone). */
export async function answerWithKey(
  c: Ceremony<PublicKeyCredentialRequestOptionsJSON>,
): Promise<SessionInfo> {
  const response = await startAuthentication({ optionsJSON: c.options });
  return postJson<SessionInfo>('/api/auth/key/finish', { ceremony: c.ceremony, response });
}

export async function signInWithKey(): Promise<SessionInfo> {
  return answerWithKey(
    await postJson<Ceremony<PublicKeyCredentialRequestOptionsJSON>>('/api/auth/key/start', {}),
  );
}

export async function registerKey(name: string): Promise<SecurityKey> {
  const c = await postJson<Ceremony<PublicKeyCredentialCreationOptionsJSON>>(
    '/api/access/keys/register/start',
    {},
  );
  const response = await startRegistration({ optionsJSON: c.options });
  return postJson<SecurityKey>('/api/access/keys/register/finish', { ceremony: c.ceremony, response, name });
}

/** Confirms a change on this session with the key (step-up): the hub then lets it through. */
export async function confirmWithKey(): Promise<void> {
  const c = await postJson<Ceremony<PublicKeyCredentialRequestOptionsJSON>>(
    '/api/auth/key/confirm/start',
    {},
  );
  const response = await startAuthentication({ optionsJSON: c.options });
  await postJson('/api/auth/key/confirm/finish', { ceremony: c.ceremony, response });
}
