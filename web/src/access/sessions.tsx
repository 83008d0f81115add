/** Live sessions through the gateway, refreshed every two seconds, each with a kill button. */
import { useEffect } from 'react';
import { postJson } from '../lib/api.js';
import { dateTime } from '../lib/format.js';
import { useApi } from '../lib/use-api.js';
import { FormError } from '../ui/form-error.js';
import { Load } from '../ui/states.js';
import { useAction } from './action.js';
import type { AccessMe, Items, LiveSession } from './types.js';

const REFRESH_MS = 2000;

export function SessionsSection({ me }: { me: AccessMe }) {
  const [sessions, reload] = useApi<Items<LiveSession>>('/api/access/sessions');
  const { busy, error, run } = useAction();
  useEffect(() => {
    const t = setInterval(reload, REFRESH_MS);
    return () => clearInterval(t);
  }, [reload]);
  const mayKill = me.role === 'admin' || me.approver;
  return (
    <section className="card" aria-labelledby="sessions-h">
      <h2 id="sessions-h">Live sessions</h2>
      <FormError error={error} />
      <Load value={sessions} what="the live sessions" retry={reload}>
        {({ items }) =>
          items.length === 0 ? (
            <p className="muted">Nobody is connected through the gateway.</p>
          ) : (
            <table className="grid-table">
              <thead>
                <tr>
                  <th>User</th>
                  <th>Asset</th>
                  <th>Protocol</th>
                  <th>From</th>
                  <th>Since</th>
                  <th className="num">Allowed</th>
                  <th className="num">Denied</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {items.map((s) => (
                  <tr key={s.id}>
                    <td>
                      {s.user}
                      {s.device ? <span className="muted small"> on {s.device}</span> : null}
                    </td>
                    <td>{s.asset}</td>
                    <td>{s.protocol}</td>
                    <td className="mono">{s.source}</td>
                    <td>{dateTime(s.startedAt)}</td>
                    <td className="num">{s.allowed}</td>
                    <td className="num">{s.denied}</td>
                    <td>
                      {mayKill ? (
                        <button
                          type="button"
                          className="btn small"
                          disabled={busy}
                          onClick={() =>
                            run(
                              () => postJson(`/api/access/sessions/${encodeURIComponent(s.id)}/kill`),
                              reload,
                            )
                          }
                        >
                          Kill
                        </button>
                      ) : null}
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
