/**
 * The Cedar policy: the version in force, a draft checked against the schema on request, and
 * (for administrators) putting it in force. A draft that fails is refused with Cedar's errors
 * and the version in force stays — the page says which one.
 */
import { useEffect, useState } from 'react';
import { postJson, request } from '../lib/api.js';
import { dateTime } from '../lib/format.js';
import { useApi } from '../lib/use-api.js';
import { Load } from '../ui/states.js';
import { useAction } from './action.js';
import type { AccessMe, Items, PolicyCheck, PolicyVersion } from './types.js';

type Outcome = { kind: 'checked'; check: PolicyCheck } | { kind: 'saved'; version: number } | undefined;

export function PolicySection({ me }: { me: AccessMe }) {
  const [current, reload] = useApi<PolicyVersion>('/api/access/policy');
  const [history, reloadHistory] = useApi<Items<PolicyVersion>>('/api/access/policy/history');
  const [draft, setDraft] = useState<string | undefined>(undefined);
  const [outcome, setOutcome] = useState<Outcome>(undefined);
  const { busy, error, run, clear } = useAction();
  const inForce = current.state === 'ok' ? current.data : undefined;

  useEffect(() => {
    if (inForce && draft === undefined) setDraft(inForce.text);
  }, [inForce, draft]);

  const check = () =>
    run(async () => {
      setOutcome({
        kind: 'checked',
        check: await postJson<PolicyCheck>('/api/access/policy/check', { text: draft ?? '' }),
      });
    });
  const save = () =>
    run(async () => {
      setOutcome(undefined);
      const v = await request<PolicyVersion>('PUT', '/api/access/policy', { body: { text: draft ?? '' } });
      setOutcome({ kind: 'saved', version: v.version });
      reload();
      reloadHistory();
    });

  return (
    <>
      <section className="card" aria-labelledby="policy-h">
        <h2 id="policy-h">Policy</h2>
        <Load value={current} what="the policy" retry={reload}>
          {(v) => (
            <p className="muted small" data-testid="policy-in-force">
              Version {v.version} is in force, by {v.author}, {dateTime(v.createdAt)}. Default deny: only what
              a policy permits is allowed.
            </p>
          )}
        </Load>
        <textarea
          className="policy-text"
          aria-label="Policy text"
          spellCheck={false}
          value={draft ?? ''}
          onChange={(e) => {
            setDraft(e.target.value);
            setOutcome(undefined);
            clear();
          }}
        />
        <div className="actions">
          <button type="button" className="btn" disabled={busy} onClick={() => void check()}>
            Check
          </button>
          {me.role === 'admin' ? (
            <button type="button" className="btn primary" disabled={busy} onClick={() => void save()}>
              Put in force
            </button>
          ) : null}
        </div>
        {outcome?.kind === 'checked' ? (
          outcome.check.problems.length === 0 ? (
            <p role="status">The draft is valid against the schema.</p>
          ) : (
            <ul className="form-error problems" role="alert">
              {outcome.check.problems.map((p, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: problems have no identity of their own
                <li key={i}>{p.policy ? `${p.policy}: ${p.message}` : p.message}</li>
              ))}
            </ul>
          )
        ) : null}
        {outcome?.kind === 'saved' ? <p role="status">Version {outcome.version} is now in force.</p> : null}
        {error ? (
          <div className="form-error problems" role="alert">
            <p>Refused: {error}</p>
            {inForce ? <p>Version {inForce.version} stays in force.</p> : null}
          </div>
        ) : null}
      </section>
      <section className="card" aria-labelledby="history-h">
        <h2 id="history-h">History</h2>
        <Load value={history} what="the history" retry={reloadHistory}>
          {({ items }) => (
            <table className="grid-table">
              <thead>
                <tr>
                  <th className="num">Version</th>
                  <th>By</th>
                  <th>When</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {items.map((v) => (
                  <tr key={v.version}>
                    <td className="num">{v.version}</td>
                    <td>{v.author}</td>
                    <td>{dateTime(v.createdAt)}</td>
                    <td>
                      <button type="button" className="btn small ghost" onClick={() => setDraft(v.text)}>
                        Load as draft
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Load>
      </section>
    </>
  );
}
