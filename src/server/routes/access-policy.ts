/**
 * The gateway's Cedar policy over HTTP: read it and its history, check a draft, replace it.
 * A draft that fails validation is refused with Cedar's errors (422) and the policy in force
 * stays as it was; the refusal is in the audit log.
 */

import { signedIn } from '../access.js';
import type { HubAccess } from '../access-gateway.js';
import { PolicyBody, PolicyCheck, PolicyVersion } from '../access-schemas.js';
import { type Hub, problems } from '../context.js';
import { items } from '../schemas.js';

/** A policy document may be 256 KiB; its JSON body a little more. */
const POLICY_BODY_LIMIT = 300 * 1024;

export function accessPolicyRoutes(app: Hub, access: HubAccess): void {
  const policies = access.gateway.policies;

  const current = async () => {
    const [v] = await policies.history(1);
    if (v === undefined) throw new Error('the gateway has no policy version');
    return v;
  };

  app.get(
    '/api/access/policy',
    {
      config: { access: 'engineer' },
      schema: { summary: 'The policy in force', response: { 200: PolicyVersion, ...problems } },
    },
    current,
  );

  app.get(
    '/api/access/policy/history',
    {
      config: { access: 'engineer' },
      schema: {
        summary: 'Earlier policy versions, newest first',
        response: { 200: items(PolicyVersion), ...problems },
      },
    },
    async () => ({ items: await policies.history(50) }),
  );

  app.post(
    '/api/access/policy/check',
    {
      config: { access: 'engineer' },
      bodyLimit: POLICY_BODY_LIMIT,
      schema: {
        summary: "Validate a draft against the schema without putting it in force (Cedar's errors)",
        body: PolicyBody,
        response: { 200: PolicyCheck, ...problems },
      },
    },
    async (req) => ({ problems: policies.check(req.body.text) }),
  );

  app.put(
    '/api/access/policy',
    {
      config: { access: 'admin', stepUp: true },
      bodyLimit: POLICY_BODY_LIMIT,
      schema: {
        summary: 'Put a new policy in force; one that fails validation is refused whole (422)',
        body: PolicyBody,
        response: { 200: PolicyVersion, ...problems },
      },
    },
    async (req) => {
      await policies.set(req.body.text, signedIn(req).user.name);
      return current();
    },
  );
}
