/** Your security keys: the list, registering another (several per person are allowed), and a device certificate. */
import { type FormEvent, useState } from 'react';
import { request } from '../lib/api.js';
import { dateTime } from '../lib/format.js';
import { FormError } from '../ui/form-error.js';
import { useAction } from './action.js';
import { AuthenticatorSection } from './authenticator.js';
import { CertificateSection } from './certificate.js';
import type { AccessMe } from './types.js';
import { registerKey } from './webauthn.js';

export function KeysSection({ me, onChange }: { me: AccessMe; onChange: () => void }) {
  const { busy, error, run } = useAction();
  const [name, setName] = useState('');
  const [added, setAdded] = useState('');
  const removing = useAction();
  // A lost or stolen key is removed at once; the person's other sessions end with it.
  const remove = (id: string, keyName: string) => {
    if (
      !window.confirm(
        `Remove the security key “${keyName}”? It will sign no one in again, and your other sessions end.`,
      )
    )
      return;
    void removing.run(() => request('DELETE', `/api/access/keys/${encodeURIComponent(id)}`), onChange);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const keyName = name.trim() || 'Security key';
    void run(
      () => registerKey(keyName),
      () => {
        setAdded(keyName);
        setName('');
        onChange();
      },
    );
  };
  return (
    <>
      <section className="card" aria-labelledby="keys-h">
        <h2 id="keys-h">My security keys</h2>
        {me.keys.length === 0 ? (
          <p className="muted">
            No key yet. With a key, signing in asks for it after your password, or takes it alone.
          </p>
        ) : (
          <table className="grid-table" data-testid="key-list">
            <thead>
              <tr>
                <th>Name</th>
                <th>Kind</th>
                <th>Registered</th>
                <th>Last used</th>
                <th>
                  <span className="sr-only">Remove</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {me.keys.map((k) => (
                <tr key={k.id}>
                  <td>{k.name}</td>
                  <td>{k.deviceType === 'singleDevice' ? 'hardware key' : 'synced passkey'}</td>
                  <td>{dateTime(k.createdAt)}</td>
                  <td>{k.lastUsedAt ? dateTime(k.lastUsedAt) : 'never'}</td>
                  <td>
                    <button
                      type="button"
                      className="btn small"
                      disabled={removing.busy}
                      onClick={() => remove(k.id, k.name)}
                    >
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <FormError error={removing.error} />
      </section>
      <section className="card" aria-labelledby="add-key-h">
        <h2 id="add-key-h">Add a security key</h2>
        {me.webauthn ? (
          <form className="form row" onSubmit={submit}>
            <label>
              Key name
              <input
                name="key-name"
                value={name}
                maxLength={100}
                placeholder="e.g. YubiKey on my keyring"
                onChange={(e) => setName(e.target.value)}
              />
            </label>
            <button type="submit" className="btn primary" disabled={busy}>
              {busy ? 'Touch your key…' : 'Register a security key'}
            </button>
          </form>
        ) : (
          <p className="muted">
            Security keys are off on this hub: it needs a host name as its public URL (--public-url).
          </p>
        )}
        <FormError error={error} />
        {added && !error ? (
          <p role="status" className="muted">
            Registered “{added}”.
          </p>
        ) : null}
      </section>
      {me.webauthn && me.keys.length > 0 ? (
        <CertificateSection keyWindowMinutes={me.keyWindowMinutes} />
      ) : null}
      <AuthenticatorSection me={me} onChange={onChange} />
    </>
  );
}
