/**
 * Live sessions through the gateway (with the kill button) and their recordings: for Modbus
 * and S7 every operation with its decision and result, for TCP relays the byte streams.
 * Engineers watch; administrators and approvers may cut a session.
 */
import type { SessionChunkTable, SessionOpTable } from '../../access/db/schema.js';
import { signedIn } from '../access.js';
import { type HubAccess, isApprover } from '../access-gateway.js';
import {
  LiveSession,
  Recording,
  RecordingDetail,
  RecordingQuery,
  SessionIdParams,
} from '../access-schemas.js';
import { type Hub, problems } from '../context.js';
import { HubError } from '../errors.js';
import { items } from '../schemas.js';

function operation(o: SessionOpTable) {
  const { session_id: _, ...rest } = o;
  return rest;
}

function chunk(c: SessionChunkTable) {
  return { seq: c.seq, ts: c.ts, dir: c.dir, data: Buffer.from(c.data).toString('base64') };
}

export function accessSessionRoutes(app: Hub, access: HubAccess): void {
  const gw = access.gateway;

  const recording = async (id: string) => {
    const r = await gw.recorder.session(id);
    if (!r) throw new HubError('LG_NOT_FOUND', `no recording ${id}`);
    return r;
  };

  app.get(
    '/api/access/sessions',
    {
      config: { access: 'engineer' },
      schema: {
        summary: 'Live sessions through the gateway',
        response: { 200: items(LiveSession), ...problems },
      },
    },
    () => ({ items: gw.sessions.list() }),
  );

  app.post(
    '/api/access/sessions/:id/kill',
    {
      config: { access: 'session' },
      schema: {
        summary: 'Cut a live session now (administrators and approvers)',
        params: SessionIdParams,
        response: { 204: LiveSession.nullable().describe('no content'), ...problems },
      },
    },
    async (req, reply) => {
      const { user } = signedIn(req);
      if (user.role !== 'admin' && !isApprover(access, user.name))
        throw new HubError('LG_FORBIDDEN', 'cutting a session needs the admin role or the approver group');
      if (!gw.sessions.kill(req.params.id, user.name))
        throw new HubError('LG_NOT_FOUND', `no live session ${req.params.id}`);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/access/recordings',
    {
      config: { access: 'engineer' },
      schema: {
        summary: 'Recorded sessions, newest first',
        querystring: RecordingQuery,
        response: { 200: items(Recording), ...problems },
      },
    },
    async (req) => {
      const { user, asset, limit } = req.query;
      return {
        items: await gw.recorder.sessions({
          limit,
          ...(user !== undefined ? { user } : {}),
          ...(asset !== undefined ? { asset } : {}),
        }),
      };
    },
  );

  app.get(
    '/api/access/recordings/:id',
    {
      config: { access: 'engineer' },
      schema: {
        summary: 'One recording: its operations and byte chunks',
        params: SessionIdParams,
        response: { 200: RecordingDetail, ...problems },
      },
    },
    async (req) => {
      const session = await recording(req.params.id);
      const [ops, chunks] = await Promise.all([
        gw.recorder.operations(session.id),
        gw.recorder.chunks(session.id),
      ]);
      return { session, operations: ops.map(operation), chunks: chunks.map(chunk) };
    },
  );

  app.get(
    '/api/access/recordings/:id/export',
    {
      config: { access: 'engineer' },
      schema: {
        summary: 'One recording as JSON lines: the session, then each operation and chunk in order',
        params: SessionIdParams,
        produces: ['application/x-ndjson'],
      },
    },
    async (req, reply) => {
      const session = await recording(req.params.id);
      const [ops, chunks] = await Promise.all([
        gw.recorder.operations(session.id),
        gw.recorder.chunks(session.id),
      ]);
      const lines = [
        JSON.stringify({ kind: 'session', ...session }),
        ...ops.map((o) => JSON.stringify({ kind: 'operation', ...operation(o) })),
        ...chunks.map((c) => JSON.stringify({ kind: 'chunk', ...chunk(c) })),
      ];
      return reply
        .type('application/x-ndjson')
        .header('content-disposition', `attachment; filename="recording-${session.id}.jsonl"`)
        .send(`${lines.join('\n')}\n`);
    },
  );
}
