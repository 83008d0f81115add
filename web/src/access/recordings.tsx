/** Recorded sessions: the list, and one session's operations (Modbus, S7, EtherNet/IP) or byte chunks (relays). */
import { bytes, dateTime } from '../lib/format.js';
import { routeHref } from '../lib/route.js';
import { useApi } from '../lib/use-api.js';
import { Link } from '../ui/link.js';
import { Load } from '../ui/states.js';
import type { Items, Recording, RecordingDetail } from './types.js';

function recordingHref(id: string): string {
  return routeHref({ page: 'access', section: 'recordings', id });
}

function RecordingView({ id }: { id: string }) {
  const [detail, reload] = useApi<RecordingDetail>(`/api/access/recordings/${encodeURIComponent(id)}`);
  return (
    <Load value={detail} what="the recording" retry={reload}>
      {({ session: s, operations, chunks }) => (
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
              <p>
                {chunks.length} chunks:{' '}
                {bytes(chunks.filter((c) => c.dir === 0).reduce((n, c) => n + atob(c.data).length, 0))} to the
                asset, {bytes(chunks.filter((c) => c.dir === 1).reduce((n, c) => n + atob(c.data).length, 0))}{' '}
                back. The export holds every chunk with its time.
              </p>
            </section>
          ) : null}
        </>
      )}
    </Load>
  );
}

export function RecordingsSection({ id }: { id?: string }) {
  const [list, reload] = useApi<Items<Recording>>(id === undefined ? '/api/access/recordings' : null);
  if (id !== undefined) return <RecordingView id={id} />;
  return (
    <section className="card" aria-labelledby="recordings-h">
      <h2 id="recordings-h">Recorded sessions</h2>
      <Load value={list} what="the recordings" retry={reload}>
        {({ items }) =>
          items.length === 0 ? (
            <p className="muted">No session has gone through the gateway yet.</p>
          ) : (
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
                      {r.endedAt ? `${dateTime(r.endedAt)}${r.endReason ? ` (${r.endReason})` : ''}` : 'open'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Load>
    </section>
  );
}
