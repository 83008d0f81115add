/** Every access route, mounted when the hub runs with the access gateway. */
import type { HubAccess } from '../access-gateway.js';
import type { Hub, HubContext } from '../context.js';
import { KeyLogins } from '../key-logins.js';
import { registerStepUp } from '../step-up.js';
import { accessAuditRoutes } from './access-audit.js';
import { accessCertificateRoutes } from './access-certificates.js';
import { accessDirectoryRoutes } from './access-directory.js';
import { accessGrantRoutes } from './access-grants.js';
import { accessPolicyRoutes } from './access-policy.js';
import { accessSessionRoutes } from './access-sessions.js';
import { authenticatorRoutes } from './authenticator.js';
import { securityKeyRoutes } from './security-keys.js';

export function accessRoutes(app: Hub, ctx: HubContext, access: HubAccess): void {
  const keyLogins = new KeyLogins(access.keyWindowMs);
  registerStepUp(app, access, keyLogins);
  securityKeyRoutes(app, ctx, access, keyLogins);
  accessCertificateRoutes(app, access, keyLogins);
  authenticatorRoutes(app, ctx, access, keyLogins);
  accessDirectoryRoutes(app, ctx, access, keyLogins);
  accessPolicyRoutes(app, access);
  accessGrantRoutes(app, access);
  accessSessionRoutes(app, access);
  accessAuditRoutes(app, ctx, access);
}
