/**
 * Live sessions through the gateway (with the kill button) and their recordings: for Modbus
 * and S7 every operation with its decision and result, for TCP relays the byte streams.
 * Engineers watch; administrators and approvers may cut a session.
 */
import { Readable } from 'node:stream';
import type { SessionOpTable } from '../../access/db/schema.js';
import type { RecordedSession, Recorder } from '../../access/proxy/recorder.js';
import { signedIn } from '../access.js';
import { type HubAccess, isApprover } from '../access-gateway.js';
import {
  LiveSession,
  Recording,
  RecordingDetail,
  RecordingPageQuery,
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

/** A recording as JSON lines, read a page at a time: however long the session, never held whole. */
async function* exportLines(recorder: Recorder, session: RecordedSession): AsyncGenerator<string> {
  yield `${JSON.stringify({ kind: 'session', ...session })}\n`;
  for await (const page of recorder.rows(session.id)) {
    const lines = page.map(({ kind, row }) =>
      JSON.stringify(
        kind === 'operation'
          ? { kind, ...operation(row) }
          : { kind, seq: row.seq, ts: row.ts, dir: row.dir, data: Buffer.from(row.data).toString('base64') },
      ),
    );
    yield `${lines.join('\n')}\n`;
  }
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
        summary: 'Recorded sessions, newest first; `before` pages back',
        querystring: RecordingQuery,
        response: { 200: items(Recording), ...problems },
      },
    },
    async (req) => {
      const { user, asset, before, limit } = req.query;
      return {
        items: await gw.recorder.sessions({
          limit,
          ...(user !== undefined ? { user } : {}),
          ...(asset !== undefined ? { asset } : {}),
          ...(before !== undefined ? { before } : {}),
        }),
      };
    },
  );

  app.get(
    '/api/access/recordings/:id',
    {
      config: { access: 'engineer' },
      schema: {
        summary: 'One recording: its totals, and a page of its operations and byte chunks in order',
        params: SessionIdParams,
        querystring: RecordingPageQuery,
        response: { 200: RecordingDetail, ...problems },
      },
    },
    async (req) => {
      const session = await recording(req.params.id);
      const { after, limit } = req.query;
      const [totals, page] = await Promise.all([
        gw.recorder.totals(session.id),
        gw.recorder.page(session.id, after, limit),
      ]);
      return {
        session,
        totals,
        operations: page.operations.map(operation),
        chunks: page.chunks.map(({ session_id: _, ...c }) => c),
        next: page.next ?? null,
      };
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
      return reply
        .type('application/x-ndjson')
        .header('content-disposition', `attachment; filename="recording-${session.id}.jsonl"`)
        .send(Readable.from(exportLines(gw.recorder, session)));
    },
  );
}
