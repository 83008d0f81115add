/**
 * Your account: a new password (the current one first; your other sessions end with it), and
 * signing out everywhere else.
 */
import { type FormEvent, useState } from 'react';
import { useAction } from '../access/action.js';
import { postJson } from '../lib/api.js';
import { FormError } from '../ui/form-error.js';

function OtherSessions() {
  const { busy, error, run } = useAction();
  const [done, setDone] = useState(false);
  return (
    <section className="card" aria-labelledby="sessions-h">
      <h2 id="sessions-h">Your other sessions</h2>
      <p className="muted">
        A lost laptop, or a browser you no longer trust: end every session but this one.
      </p>
      <button
        type="button"
        className="btn"
        disabled={busy}
        onClick={() =>
          void run(
            () => postJson('/api/auth/sessions/end-others', {}),
            () => setDone(true),
          )
        }
      >
        Sign out everywhere else
      </button>
      <FormError error={error} />
      {done ? (
        <p role="status" className="muted">
          Every other session has ended.
        </p>
      ) : null}
    </section>
  );
}

export function AccountPage() {
  const { busy, error, run } = useAction();
  const [mismatch, setMismatch] = useState(false);
  const [done, setDone] = useState(false);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    const next = String(f.get('next') ?? '');
    const same = next === String(f.get('again') ?? '');
    setMismatch(!same);
    setDone(false);
    if (same)
      void run(
        () => postJson('/api/auth/password', { current: String(f.get('current') ?? ''), next }),
        () => {
          form.reset();
          setDone(true);
        },
      );
  };
  return (
    <div className="account">
      <div className="page-head">
        <h1>Your account</h1>
      </div>
      <section className="card" aria-labelledby="password-h">
        <h2 id="password-h">Change your password</h2>
        <form className="form" onSubmit={submit}>
          <label>
            Current password
            <input name="current" type="password" autoComplete="current-password" required />
          </label>
          <label>
            New password
            <input name="next" type="password" autoComplete="new-password" minLength={10} required />
          </label>
          <label>
            New password again
            <input name="again" type="password" autoComplete="new-password" minLength={10} required />
          </label>
          <FormError error={mismatch ? 'The two new passwords differ.' : error} />
          <button type="submit" className="btn primary" disabled={busy}>
            Change password
          </button>
        </form>
        {done ? (
          <p role="status" className="muted">
            Password changed. Your other sessions have ended.
          </p>
        ) : null}
      </section>
      <OtherSessions />
    </div>
  );
}
