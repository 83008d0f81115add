/**
 * Grants: ask for access (assets, operations, window, reason) and, for approvers, the requests
 * to approve or deny; approved grants can be extended or revoked. The hub decides who may do
 * what — a requester never approves their own — and its refusal is shown as it gave it.
 */
import { type FormEvent, useState } from 'react';
import { GRANT_STATUSES } from '../../../src/access/grants/statuses.js';
import { postJson } from '../lib/api.js';
import { dateTime } from '../lib/format.js';
import { useApi } from '../lib/use-api.js';
import { ChoiceFilter } from '../ui/choice-filter.js';
import { FormError } from '../ui/form-error.js';
import { OlderNewest } from '../ui/pager.js';
import { Load } from '../ui/states.js';
import { useAction } from './action.js';
import type { AccessAsset, AccessMe, Grant, Items } from './types.js';

const ACTIONS: Record<string, string[]> = {
  modbus: ['modbus:read', 'modbus:write'],
  s7: ['s7:read', 's7:write', 's7:program', 's7:control'],
  // A CIP connection (Forward Open/Close) is `enip:other`, as the analyzer classifies it: most
  // EtherNet/IP clients open one before they read.
  enip: ['enip:read', 'enip:write', 'enip:program', 'enip:control', 'enip:identify', 'enip:other'],
  tcp: [],
};
const HOUR = 3600_000;

function localInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

function RequestForm({ onDone }: { onDone: () => void }) {
  const [assets] = useApi<Items<AccessAsset>>('/api/access/assets');
  const { busy, error, run } = useAction();
  const [picked, setPicked] = useState<string[]>([]);
  const [actions, setActions] = useState<string[]>(['connect']);
  const toggle = (list: string[], v: string, on: boolean) =>
    on ? [...list, v] : list.filter((x) => x !== v);

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const startsAt = new Date(String(f.get('start'))).getTime();
    const endsAt = startsAt + Number(f.get('hours')) * HOUR;
    void run(
      () =>
        postJson('/api/access/grants', {
          assets: picked,
          actions,
          startsAt,
          endsAt,
          reason: String(f.get('reason') ?? ''),
        }),
      onDone,
    );
  };

  return (
    <section className="card" aria-labelledby="request-h">
      <h2 id="request-h">Ask for access</h2>
      <Load value={assets} what="the assets">
        {({ items }) => {
          const protocols = new Set(items.filter((a) => picked.includes(a.id)).map((a) => a.protocol));
          const offered = ['connect', ...[...protocols].flatMap((p) => ACTIONS[p] ?? [])];
          return items.length === 0 ? (
            <p className="muted">No asset is behind the gateway yet.</p>
          ) : (
            <form className="form" onSubmit={submit}>
              <fieldset>
                <legend>Assets</legend>
                {items.map((a) => (
                  <label key={a.id}>
                    <input
                      type="checkbox"
                      checked={picked.includes(a.id)}
                      onChange={(e) => setPicked(toggle(picked, a.id, e.target.checked))}
                    />
                    {a.name}{' '}
                    <span className="muted small">
                      ({a.id}, {a.protocol})
                    </span>
                  </label>
                ))}
              </fieldset>
              <fieldset>
                <legend>Operations</legend>
                {offered.map((x) => (
                  <label key={x}>
                    <input
                      type="checkbox"
                      checked={actions.includes(x)}
                      onChange={(e) => setActions(toggle(actions, x, e.target.checked))}
                    />
                    <span className="mono">{x}</span>
                  </label>
                ))}
              </fieldset>
              <div className="form row">
                <label>
                  From
                  <input name="start" type="datetime-local" defaultValue={localInput(Date.now())} required />
                </label>
                <label>
                  For (hours)
                  <input name="hours" type="number" min={1} max={168} defaultValue={4} required />
                </label>
              </div>
              <label>
                Reason
                <input name="reason" maxLength={1000} required placeholder="ticket, task, what you will do" />
              </label>
              <FormError error={error} />
              <button type="submit" className="btn primary" disabled={busy || picked.length === 0}>
                Send request
              </button>
            </form>
          );
        }}
      </Load>
    </section>
  );
}

function GrantRow({ g, me, onDone }: { g: Grant; me: AccessMe; onDone: () => void }) {
  const { busy, error, run } = useAction();
  const act = (step: string, body: Record<string, unknown> = {}) =>
    run(() => postJson(`/api/access/grants/${encodeURIComponent(g.id)}/${step}`, body), onDone);
  const mayDecide = me.approver && g.requester !== me.name;
  return (
    <tr data-grant={g.id} data-status={g.status}>
      <td>{g.requester}</td>
      <td>{g.zone ? `zone ${g.zone}` : g.assets.join(', ')}</td>
      <td className="mono small">{g.actions.join(' ')}</td>
      <td className="small">
        {dateTime(g.startsAt)} – {dateTime(g.endsAt)}
      </td>
      <td>{g.reason}</td>
      <td>
        <span className={`state-pill ${g.status}`}>{g.status}</span>
        {g.approver ? <div className="muted small">by {g.approver}</div> : null}
      </td>
      <td>
        <div className="actions">
          {g.status === 'pending' && mayDecide ? (
            <>
              <button
                type="button"
                className="btn small primary"
                disabled={busy}
                onClick={() => act('approve')}
              >
                Approve
              </button>
              <button type="button" className="btn small" disabled={busy} onClick={() => act('deny')}>
                Deny
              </button>
            </>
          ) : null}
          {g.status === 'approved' && mayDecide ? (
            <button
              type="button"
              className="btn small"
              disabled={busy}
              onClick={() => act('extend', { endsAt: g.endsAt + 2 * HOUR })}
            >
              +2 h
            </button>
          ) : null}
          {(g.status === 'approved' || g.status === 'pending') && (mayDecide || g.requester === me.name) ? (
            <button type="button" className="btn small" disabled={busy} onClick={() => act('revoke')}>
              {g.requester === me.name ? 'Withdraw' : 'Revoke'}
            </button>
          ) : null}
        </div>
        {error ? (
          <p className="form-error small" role="alert">
            {error}
          </p>
        ) : null}
      </td>
    </tr>
  );
}

/** Grants per page, newest first; "Older" pages back. */
const PAGE = 200;

export function GrantsSection({ me }: { me: AccessMe }) {
  const [status, setStatus] = useState('');
  const [before, setBefore] = useState<string | undefined>(undefined);
  const q = new URLSearchParams({ limit: String(PAGE) });
  if (status) q.set('status', status);
  if (before !== undefined) q.set('before', before);
  const [grants, reload] = useApi<Items<Grant>>('/api/access/grants', q);
  return (
    <>
      <section className="card" aria-labelledby="grants-h">
        <h2 id="grants-h">
          {me.approver || me.role === 'admin' ? 'Requests and grants' : 'Your requests and grants'}
        </h2>
        <div className="form row">
          <ChoiceFilter
            label="Status"
            value={status}
            choices={GRANT_STATUSES}
            onChange={(v) => {
              setStatus(v);
              setBefore(undefined);
            }}
          />
        </div>
        <Load value={grants} what="the grants" retry={reload}>
          {({ items }) =>
            items.length === 0 && before === undefined ? (
              <p className="muted">{status ? `No ${status} request.` : 'No request yet.'}</p>
            ) : (
              <>
                <table className="grid-table" data-testid="grant-list">
                  <thead>
                    <tr>
                      <th>Requester</th>
                      <th>On</th>
                      <th>Operations</th>
                      <th>Window</th>
                      <th>Reason</th>
                      <th>Status</th>
                      <th />
                    </tr>
                  </thead>
                  <tbody>
                    {items.map((g) => (
                      <GrantRow key={g.id} g={g} me={me} onDone={reload} />
                    ))}
                  </tbody>
                </table>
                <OlderNewest
                  paged={before !== undefined}
                  last={items.length === PAGE ? items.at(-1)?.id : undefined}
                  onPage={setBefore}
                />
              </>
            )
          }
        </Load>
      </section>
      <RequestForm onDone={reload} />
    </>
  );
}
