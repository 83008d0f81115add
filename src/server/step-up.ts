/**
 * Step-up for the changes that matter most (approving access, policy, people, factors): someone
 * who has a security key must have used it on this session in the last few minutes, so a stolen
 * session cookie (an infostealer's favourite) or a phished password with a code cannot hand a
 * supplier access. Routes ask for it with `config.stepUp`; the console answers the refusal by
 * asking the key and retrying (routes/security-keys.ts has the confirmation). People without a
 * key (a first administrator setting up) are not held up: there is nothing to confirm with.
 */
import type { FastifyInstance } from 'fastify';
import type { Session, User } from '../store/types.js';
import { signedIn } from './access.js';
import { type HubAccess, hasSecurityKey } from './access-gateway.js';
import { HubError } from './errors.js';
import type { KeyLogins } from './key-logins.js';

/** Whether `user`, on `session`, must confirm with a key before a step-up change. */
export async function needsStepUp(
  access: HubAccess,
  keyLogins: KeyLogins,
  user: User,
  session: Session,
): Promise<boolean> {
  const identity = access.gateway.directory.user(user.name);
  if (identity === undefined || !(await hasSecurityKey(access, identity.id))) return false;
  return keyLogins.fresh(session.id, user.name) === undefined;
}

export function registerStepUp(app: FastifyInstance, access: HubAccess, keyLogins: KeyLogins): void {
  const minutes = keyLogins.freshMinutes;
  app.addHook('preHandler', async (req) => {
    if (!req.routeOptions.config.stepUp) return;
    const { user, session } = signedIn(req);
    if (await needsStepUp(access, keyLogins, user, session))
      throw new HubError(
        'LG_STEP_UP',
        `confirm with your security key: this change needs a key sign-in on this session in the last ${minutes} minutes`,
      );
  });
}
