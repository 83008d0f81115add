/** Every access route, mounted when the hub runs with the access gateway. */
import type { HubAccess } from '../access-gateway.js';
import type { Hub, HubContext } from '../context.js';
import { accessAuditRoutes } from './access-audit.js';
import { accessDirectoryRoutes } from './access-directory.js';
import { accessGrantRoutes } from './access-grants.js';
import { accessPolicyRoutes } from './access-policy.js';
import { accessSessionRoutes } from './access-sessions.js';
import { securityKeyRoutes } from './security-keys.js';

export function accessRoutes(app: Hub, ctx: HubContext, access: HubAccess): void {
  securityKeyRoutes(app, ctx, access);
  accessDirectoryRoutes(app, ctx, access);
  accessPolicyRoutes(app, access);
  accessGrantRoutes(app, access);
  accessSessionRoutes(app, access);
  accessAuditRoutes(app, ctx, access);
}
