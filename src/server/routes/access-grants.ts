/**
 * Just-in-time grants over HTTP. Anyone signed in may ask for access (suppliers' engineers
 * above all) and give up their own grant; approving, denying, extending and revoking are the
 * gateway's to allow — an enabled employee of the approver group who is not the requester —
 * and a refusal changes nothing but the audit log. Requesters see their own grants;
 * approvers and administrators see all.
 */

import { signedIn } from '../access.js';
import { type HubAccess, isApprover, linkedUser } from '../access-gateway.js';
import {
  ExtendBody,
  Grant,
  GrantRequestBody,
  GrantStatusQuery,
  IdParams,
  NoteBody,
  RevokeBody,
} from '../access-schemas.js';
import { type Hub, problems } from '../context.js';
import { items } from '../schemas.js';

export function accessGrantRoutes(app: Hub, access: HubAccess): void {
  const grants = access.gateway.grants;

  app.get(
    '/api/access/grants',
    {
      config: { access: 'session' },
      schema: {
        summary:
          'Grant requests and grants, newest first (yours, or all for approvers and administrators); `before` pages back',
        querystring: GrantStatusQuery,
        response: { 200: items(Grant), ...problems },
      },
    },
    async (req) => {
      const { user } = signedIn(req);
      const all = user.role === 'admin' || isApprover(access, user.name);
      const { status, before, limit } = req.query;
      return {
        items: await grants.list({
          limit,
          ...(status !== undefined ? { status } : {}),
          ...(before !== undefined ? { before } : {}),
          ...(all ? {} : { requester: user.name }),
        }),
      };
    },
  );

  app.post(
    '/api/access/grants',
    {
      config: { access: 'session' },
      schema: {
        summary: 'Ask for access to assets or a zone, for named operations, inside a window',
        body: GrantRequestBody,
        response: { 201: Grant, ...problems },
      },
    },
    async (req, reply) => {
      const identity = await linkedUser(access, signedIn(req).user);
      const { zone, ...rest } = req.body;
      const grant = await grants.request(identity.id, { ...rest, ...(zone !== undefined ? { zone } : {}) });
      return reply.code(201).send(grant);
    },
  );

  app.post(
    '/api/access/grants/:id/approve',
    {
      config: { access: 'session', stepUp: true },
      schema: {
        summary: 'Approve a pending request',
        params: IdParams,
        body: NoteBody,
        response: { 200: Grant, ...problems },
      },
    },
    async (req) => grants.approve(req.params.id, signedIn(req).user.name, req.body.note),
  );

  app.post(
    '/api/access/grants/:id/deny',
    {
      config: { access: 'session' },
      schema: {
        summary: 'Deny a pending request',
        params: IdParams,
        body: NoteBody,
        response: { 200: Grant, ...problems },
      },
    },
    async (req) => grants.deny(req.params.id, signedIn(req).user.name, req.body.note),
  );

  app.post(
    '/api/access/grants/:id/extend',
    {
      config: { access: 'session', stepUp: true },
      schema: {
        summary: "Move an approved grant's end later",
        params: IdParams,
        body: ExtendBody,
        response: { 200: Grant, ...problems },
      },
    },
    async (req) => grants.extend(req.params.id, signedIn(req).user.name, req.body.endsAt),
  );

  app.post(
    '/api/access/grants/:id/revoke',
    {
      config: { access: 'session' },
      schema: {
        summary: 'End a grant now (its live sessions are cut); a requester may give up their own',
        params: IdParams,
        body: RevokeBody,
        response: { 200: Grant, ...problems },
      },
    },
    async (req) => grants.revoke(req.params.id, signedIn(req).user.name, req.body.reason),
  );
}
