/**
 * The gateway's hash-chained audit log over HTTP, for administrators: pages of entries newest
 * first, the chain's verification, and an export as JSON lines or CEF.
 */
import { Readable } from 'node:stream';
import { toCef, toJsonLine } from '../../access/audit/export.js';
import { toEntry } from '../../access/audit/log.js';
import type { HubAccess } from '../access-gateway.js';
import { AuditEntry, AuditExportQuery, AuditQuery, AuditVerify } from '../access-schemas.js';
import { type Hub, type HubContext, problems } from '../context.js';
import { items } from '../schemas.js';

export function accessAuditRoutes(app: Hub, { version }: HubContext, access: HubAccess): void {
  const gw = access.gateway;

  app.get(
    '/api/access/audit',
    {
      config: { access: 'admin' },
      schema: {
        summary: 'Audit entries, newest first; `before` pages back',
        querystring: AuditQuery,
        response: { 200: items(AuditEntry), ...problems },
      },
    },
    async (req) => {
      const { before, type, limit } = req.query;
      let q = gw.db.selectFrom('audit').selectAll().orderBy('seq', 'desc').limit(limit);
      if (before !== undefined) q = q.where('seq', '<', before);
      if (type !== undefined) q = q.where('type', '=', type);
      return { items: (await q.execute()).map(toEntry) };
    },
  );

  app.get(
    '/api/access/audit/verify',
    {
      config: { access: 'admin' },
      schema: {
        summary: 'Walk the hash chain; names the first entry that does not hold',
        response: { 200: AuditVerify, ...problems },
      },
    },
    () => gw.verifyAudit(),
  );

  app.get(
    '/api/access/audit/export',
    {
      config: { access: 'admin' },
      schema: {
        summary: 'The whole log as JSON lines (with the chain, verifiable elsewhere) or CEF',
        querystring: AuditExportQuery,
        produces: ['application/x-ndjson', 'text/plain'],
      },
    },
    async (req, reply) => {
      const { format } = req.query;
      // Streamed a thousand entries at a time: a plant's log of years is never held whole.
      async function* lines(): AsyncGenerator<string> {
        let batch = '';
        let n = 0;
        for await (const e of gw.audit.entries()) {
          batch += `${format === 'cef' ? toCef(e, version) : toJsonLine(e)}\n`;
          if (++n % 1000 === 0) {
            yield batch;
            batch = '';
          }
        }
        if (batch !== '') yield batch;
      }
      return reply
        .type(format === 'cef' ? 'text/plain; charset=utf-8' : 'application/x-ndjson')
        .header(
          'content-disposition',
          `attachment; filename="lineguard-audit.${format === 'cef' ? 'cef' : 'jsonl'}"`,
        )
        .send(Readable.from(lines()));
    },
  );
}
