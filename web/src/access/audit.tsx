/**
 * The gateway's audit log, newest first: the chain's verification, a filter by event type,
 * paging back, and the export as JSON lines or CEF.
 */
import { useState } from 'react';
import { weakLogin } from '../../../src/access/audit/export.js';
import { ACCESS_EVENT_TYPES } from '../../../src/access/events.js';
import { dateTime } from '../lib/format.js';
import { useApi } from '../lib/use-api.js';
import { ChoiceFilter } from '../ui/choice-filter.js';
import { OlderNewest } from '../ui/pager.js';
import { Load } from '../ui/states.js';
import type { AuditEntry, AuditVerify, Items } from './types.js';

const PAGE = 100;

function Verify() {
  const [v, reload] = useApi<AuditVerify>('/api/access/audit/verify');
  return (
    <Load value={v} what="the chain check" retry={reload}>
      {(r) =>
        r.ok ? (
          <p role="status" data-testid="audit-verify">
            Hash chain intact: {r.entries} entries.
          </p>
        ) : (
          <p className="form-error" role="alert" data-testid="audit-verify">
            Hash chain broken at entry {r.seq} ({r.problem}): {r.detail}
          </p>
        )
      }
    </Load>
  );
}

export function AuditSection() {
  const [type, setType] = useState('');
  const [before, setBefore] = useState<number | undefined>(undefined);
  const q = new URLSearchParams({ limit: String(PAGE) });
  if (type) q.set('type', type);
  if (before !== undefined) q.set('before', String(before));
  const [entries, reload] = useApi<Items<AuditEntry>>('/api/access/audit', q);
  return (
    <section className="card" aria-labelledby="audit-h">
      <h2 id="audit-h">Audit log</h2>
      <Verify />
      <div className="form row">
        <ChoiceFilter
          label="Event type"
          value={type}
          choices={ACCESS_EVENT_TYPES}
          onChange={(v) => {
            setType(v);
            setBefore(undefined);
          }}
        />
        <a className="btn small" href="/api/access/audit/export?format=jsonl" download>
          Export JSON lines
        </a>
        <a className="btn small" href="/api/access/audit/export?format=cef" download>
          Export CEF
        </a>
      </div>
      <Load value={entries} what="the audit log" retry={reload}>
        {({ items }) => (
          <>
            <table className="grid-table" data-testid="audit-list">
              <thead>
                <tr>
                  <th className="num">#</th>
                  <th>Time</th>
                  <th>Event</th>
                  <th>Actor</th>
                  <th>Subject</th>
                  <th>Details</th>
                </tr>
              </thead>
              <tbody>
                {items.map((e) => (
                  <tr key={e.seq} data-type={e.type}>
                    <td className="num">{e.seq}</td>
                    <td>{dateTime(e.ts)}</td>
                    <td className="mono">
                      {e.type}
                      {weakLogin(e) ? (
                        <>
                          {' '}
                          <span className="state-pill failed">not phishing-resistant</span>
                        </>
                      ) : null}
                    </td>
                    <td>{e.actor}</td>
                    <td className="mono small">{e.subject}</td>
                    <td className="mono small audit-data">{JSON.stringify(e.data)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <OlderNewest
              paged={before !== undefined}
              last={items.length === PAGE ? items.at(-1)?.seq : undefined}
              onPage={setBefore}
            />
          </>
        )}
      </Load>
    </section>
  );
}
