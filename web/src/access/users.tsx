/**
 * People, for administrators: each name with its console account and gateway record (one
 * identity, linked by name), disabling and re-enabling, and adding a person — an employee or a
 * supplier's engineer — with or without a console account.
 */
import { type FormEvent, useState } from 'react';
import { postJson, request } from '../lib/api.js';
import { useApi } from '../lib/use-api.js';
import { FormError } from '../ui/form-error.js';
import { Load } from '../ui/states.js';
import { useAction } from './action.js';
import type { AccessUserEntry, Items, Named } from './types.js';

function GroupsEditor({ u, groups, onDone }: { u: AccessUserEntry; groups: Named[]; onDone: () => void }) {
  const { busy, error, run } = useAction();
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const picked = new FormData(e.currentTarget).getAll('member').map(String);
    void run(
      () =>
        request('PUT', `/api/access/users/${encodeURIComponent(u.name)}/groups`, {
          body: { groups: picked },
        }),
      onDone,
    );
  };
  return (
    <details>
      <summary>{u.identity?.groups.join(', ') || 'none'}</summary>
      <form onSubmit={submit} aria-label={`Groups of ${u.name}`}>
        {groups.map((g) => (
          <label key={g.id}>
            <input
              type="checkbox"
              name="member"
              value={g.id}
              defaultChecked={u.identity?.groups.includes(g.id)}
            />{' '}
            {g.name}
          </label>
        ))}
        <button type="submit" className="btn small" disabled={busy}>
          Save groups
        </button>
        {error ? (
          <p className="form-error small" role="alert">
            {error}
          </p>
        ) : null}
      </form>
    </details>
  );
}

/** "2 keys, app": what the person signs in with beside the password. */
function factors(u: AccessUserEntry): string {
  const parts = [];
  if (u.keys > 0) parts.push(`${u.keys} key${u.keys === 1 ? '' : 's'}`);
  if (u.authenticator) parts.push('app');
  return parts.join(', ') || 'password only';
}

function UserRow({ u, groups, onDone }: { u: AccessUserEntry; groups: Named[]; onDone: () => void }) {
  const { busy, error, run } = useAction();
  const id = u.identity;
  return (
    <tr data-user={u.name}>
      <td>
        {u.name}
        {id && id.name !== u.name ? <div className="muted small">{id.name}</div> : null}
      </td>
      <td>{u.console ? u.console.role : <span className="muted">none</span>}</td>
      <td>
        {id ? `${id.kind}${id.supplier ? ` (${id.supplier})` : ''}` : <span className="muted">not yet</span>}
      </td>
      <td>{id ? <GroupsEditor u={u} groups={groups} onDone={onDone} /> : null}</td>
      <td>{factors(u)}</td>
      <td>
        {id?.disabled || u.console?.disabled ? <span className="state-pill failed">disabled</span> : 'active'}
      </td>
      <td>
        {id ? (
          <button
            type="button"
            className="btn small"
            disabled={busy}
            onClick={() =>
              run(
                () =>
                  postJson(`/api/access/users/${encodeURIComponent(u.name)}/disabled`, {
                    disabled: !id.disabled,
                  }),
                onDone,
              )
            }
          >
            {id.disabled ? 'Enable' : 'Disable'}
          </button>
        ) : null}
        {u.keys > 0 || u.authenticator ? (
          <button
            type="button"
            className="btn small"
            disabled={busy}
            onClick={() => {
              if (
                window.confirm(
                  `Reset ${u.name}'s second factors? Every security key and the authenticator app are removed, and ${u.name}'s console sessions end; the next sign-in takes the password alone.`,
                )
              )
                void run(
                  () => postJson(`/api/access/users/${encodeURIComponent(u.name)}/factors/reset`, {}),
                  onDone,
                );
            }}
          >
            Reset factors
          </button>
        ) : null}
        {error ? (
          <p className="form-error small" role="alert">
            {error}
          </p>
        ) : null}
      </td>
    </tr>
  );
}

function AddPerson({ onDone }: { onDone: () => void }) {
  const [suppliers] = useApi<Items<Named>>('/api/access/suppliers');
  const [groups] = useApi<Items<Named>>('/api/access/groups');
  const { busy, error, run } = useAction();
  const [kind, setKind] = useState<'employee' | 'supplier'>('supplier');
  const [withConsole, setWithConsole] = useState(true);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const body = {
      id: String(f.get('id') ?? ''),
      name: String(f.get('display') ?? ''),
      kind,
      ...(kind === 'supplier' ? { supplier: String(f.get('supplier') ?? '') } : {}),
      groups: f.getAll('groups').map(String),
      ...(withConsole
        ? { console: { role: String(f.get('role') ?? 'viewer'), password: String(f.get('password') ?? '') } }
        : {}),
    };
    void run(
      () => postJson('/api/access/users', body),
      () => {
        form.reset();
        onDone();
      },
    );
  };
  return (
    <section className="card" aria-labelledby="add-person-h">
      <h2 id="add-person-h">Add a person</h2>
      <form className="form" onSubmit={submit}>
        <div className="form row">
          <label>
            User name
            <input name="id" required maxLength={64} autoComplete="off" />
          </label>
          <label>
            Display name
            <input name="display" required maxLength={200} />
          </label>
          <label>
            Kind
            <select value={kind} onChange={(e) => setKind(e.target.value as 'employee' | 'supplier')}>
              <option value="supplier">supplier's engineer</option>
              <option value="employee">employee</option>
            </select>
          </label>
          {kind === 'supplier' ? (
            <label>
              Supplier
              <select name="supplier" required>
                {suppliers.state === 'ok'
                  ? suppliers.data.items.map((s) => (
                      <option key={s.id} value={s.id}>
                        {s.name}
                      </option>
                    ))
                  : null}
              </select>
            </label>
          ) : null}
        </div>
        {groups.state === 'ok' && groups.data.items.length > 0 ? (
          <fieldset>
            <legend>Groups</legend>
            {groups.data.items.map((g) => (
              <label key={g.id}>
                <input type="checkbox" name="groups" value={g.id} /> {g.name}
              </label>
            ))}
          </fieldset>
        ) : null}
        <label className="check">
          <input type="checkbox" checked={withConsole} onChange={(e) => setWithConsole(e.target.checked)} />{' '}
          Console account of the same name
        </label>
        {withConsole ? (
          <div className="form row">
            <label>
              Console role
              <select name="role" defaultValue="viewer">
                <option value="viewer">viewer</option>
                <option value="engineer">engineer</option>
                <option value="admin">admin</option>
              </select>
            </label>
            <label>
              Password (10 or more characters)
              <input name="password" type="password" minLength={10} required autoComplete="new-password" />
            </label>
          </div>
        ) : null}
        <FormError error={error} />
        <button type="submit" className="btn primary" disabled={busy}>
          Add person
        </button>
      </form>
    </section>
  );
}

export function UsersSection() {
  const [users, reload] = useApi<Items<AccessUserEntry>>('/api/access/users');
  const [groups] = useApi<Items<Named>>('/api/access/groups');
  const groupList = groups.state === 'ok' ? groups.data.items : [];
  return (
    <>
      <section className="card" aria-labelledby="people-h">
        <h2 id="people-h">People</h2>
        <p className="muted small">
          A console account and a gateway user of the same name are one person. A console account gets its
          gateway record (an employee) the first time it registers a key or asks for access.
        </p>
        <Load value={users} what="the people" retry={reload}>
          {({ items }) => (
            <table className="grid-table">
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Console</th>
                  <th>Gateway</th>
                  <th>Groups</th>
                  <th>Second factors</th>
                  <th>State</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {items.map((u) => (
                  <UserRow key={u.name} u={u} groups={groupList} onDone={reload} />
                ))}
              </tbody>
            </table>
          )}
        </Load>
      </section>
      <AddPerson onDone={reload} />
    </>
  );
}
