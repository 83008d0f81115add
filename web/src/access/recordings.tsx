/** Recorded sessions: the list, and one session's operations (Modbus, S7, EtherNet/IP) or byte chunks (relays), a page at a time. */
import { useState } from 'react';
import { bytes, dateTime } from '../lib/format.js';
import { routeHref } from '../lib/route.js';
import { useApi } from '../lib/use-api.js';
import { Link } from '../ui/link.js';
import { OlderNewest } from '../ui/pager.js';
import { Load } from '../ui/states.js';
import type { Items, Recording, RecordingDetail } from './types.js';

function recordingHref(id: string): string {
  return routeHref({ page: 'access', section: 'recordings', id });
}

/** Rows per page: a long session (hours of polling, a remote desktop's chunks) is read a page at a time. */
const PAGE = 500;

function RecordingView({ id }: { id: string }) {
  // The `after` of every page before this one, for going back.
  const [afters, setAfters] = useState<number[]>([]);
  const after = afters.at(-1) ?? 0;
  const [detail, reload] = useApi<RecordingDetail>(
    `/api/access/recordings/${encodeURIComponent(id)}`,
    new URLSearchParams({ after: String(after), limit: String(PAGE) }),
  );
  // Above the rows and below them; a new page is shown from its top.
  const turn = (to: number[]) => {
    setAfters(to);
    document.getElementById('rec-h')?.scrollIntoView();
  };
  const pager = (next: number | null) =>
    afters.length > 0 || next !== null ? (
      <div className="actions">
        {afters.length > 0 ? (
          <button type="button" className="btn small" onClick={() => turn(afters.slice(0, -1))}>
            Previous {PAGE}
          </button>
        ) : null}
        {next !== null ? (
          <button type="button" className="btn small" onClick={() => turn([...afters, next])}>
            Next {PAGE}
          </button>
        ) : null}
      </div>
    ) : null;
  return (
    <Load value={detail} what="the recording" retry={reload}>
      {({ session: s, totals, operations, chunks, next }) => (
        <>
          <section className="card" aria-labelledby="rec-h">
            <h2 id="rec-h">
              {s.user} → {s.asset} ({s.protocol})
            </h2>
            <p>
              From <span className="mono">{s.source}</span>, {dateTime(s.startedAt)}
              {s.endedAt ? ` to ${dateTime(s.endedAt)}` : ', still open'}
              {s.endReason ? ` — ${s.endReason}` : ''}.{' '}
              <a href={`/api/access/recordings/${encodeURIComponent(s.id)}/export`} download>
                Export (JSON lines)
              </a>
            </p>
            <p data-testid="recording-totals">
              {totals.operations > 0 ? `${totals.operations.toLocaleString()} operations. ` : ''}
              {totals.chunks > 0
                ? `${totals.chunks.toLocaleString()} chunks: ${bytes(totals.bytesToAsset)} to the asset, ${bytes(totals.bytesFromAsset)} back; the export holds every chunk with its time.`
                : ''}
            </p>
            {pager(next)}
          </section>
          {operations.length > 0 ? (
            <section className="card" aria-labelledby="ops-h">
              <h2 id="ops-h">Operations</h2>
              <table className="grid-table">
                <thead>
                  <tr>
                    <th className="num">#</th>
                    <th>Time</th>
                    <th>Action</th>
                    <th>Code</th>
                    <th>Target</th>
                    <th>Decision</th>
                    <th>Result</th>
                  </tr>
                </thead>
                <tbody>
                  {operations.map((o) => (
                    <tr key={o.seq} className={o.decision === 'deny' ? 'risky' : undefined}>
                      <td className="num">{o.seq}</td>
                      <td>{dateTime(o.ts)}</td>
                      <td className="mono">{o.action}</td>
                      <td className="mono">{o.code}</td>
                      <td className="mono">{o.target}</td>
                      <td>
                        {o.decision}
                        {o.decision === 'deny' ? <span className="muted small"> {o.reasons}</span> : null}
                      </td>
                      <td>{o.result}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          ) : null}
          {chunks.length > 0 ? (
            <section className="card" aria-labelledby="chunks-h">
              <h2 id="chunks-h">Byte streams</h2>
              <table className="grid-table">
                <thead>
                  <tr>
                    <th className="num">#</th>
                    <th>Time</th>
                    <th>Direction</th>
                    <th className="num">Bytes</th>
                  </tr>
                </thead>
                <tbody>
                  {chunks.map((c) => (
                    <tr key={c.seq}>
                      <td className="num">{c.seq}</td>
                      <td>{dateTime(c.ts)}</td>
                      <td>{c.dir === 0 ? 'to the asset' : 'from the asset'}</td>
                      <td className="num">{c.size.toLocaleString()}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          ) : null}
          {pager(next)}
        </>
      )}
    </Load>
  );
}

/** Recorded sessions per page of the list. */
const LIST_PAGE = 100;

export function RecordingsSection({ id }: { id?: string }) {
  const [before, setBefore] = useState<string | undefined>(undefined);
  const q = new URLSearchParams({ limit: String(LIST_PAGE) });
  if (before !== undefined) q.set('before', before);
  const [list, reload] = useApi<Items<Recording>>(id === undefined ? '/api/access/recordings' : null, q);
  if (id !== undefined) return <RecordingView id={id} />;
  return (
    <section className="card" aria-labelledby="recordings-h">
      <h2 id="recordings-h">Recorded sessions</h2>
      <Load value={list} what="the recordings" retry={reload}>
        {({ items }) =>
          items.length === 0 && before === undefined ? (
            <p className="muted">No session has gone through the gateway yet.</p>
          ) : (
            <>
              <table className="grid-table">
                <thead>
                  <tr>
                    <th>Started</th>
                    <th>User</th>
                    <th>Asset</th>
                    <th>Protocol</th>
                    <th>Ended</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((r) => (
                    <tr key={r.id}>
                      <td>
                        <Link href={recordingHref(r.id)} className="row-link">
                          {dateTime(r.startedAt)}
                        </Link>
                      </td>
                      <td>{r.user}</td>
                      <td>{r.asset}</td>
                      <td>{r.protocol}</td>
                      <td>
                        {r.endedAt
                          ? `${dateTime(r.endedAt)}${r.endReason ? ` (${r.endReason})` : ''}`
                          : 'open'}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <OlderNewest
                paged={before !== undefined}
                last={items.length === LIST_PAGE ? items.at(-1)?.id : undefined}
                onPage={setBefore}
              />
            </>
          )
        }
      </Load>
    </section>
  );
}
