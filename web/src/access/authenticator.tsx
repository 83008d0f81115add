/**
 * Your authenticator app: the fallback second factor, shown only where the hub allows codes
 * (or where one is still set up). Setting it up shows the secret once, as a QR code and as
 * text, and takes the app's first code to prove it was stored.
 */
import { type FormEvent, useMemo, useState } from 'react';
import { encode } from 'uqr';
import { postJson, request } from '../lib/api.js';
import { dateTime } from '../lib/format.js';
import { FormError } from '../ui/form-error.js';
import { useAction } from './action.js';
import type { AccessMe } from './types.js';

interface Enrolment {
  secret: string;
  uri: string;
}

/** The otpauth URI as an SVG QR code, drawn from the matrix (no markup from a string). */
function QrCode({ text }: { text: string }) {
  const path = useMemo(() => {
    // A four-module quiet zone, as the QR standard asks for a reliable scan.
    const { data } = encode(text, { ecc: 'M', border: 4 });
    let d = '';
    data.forEach((row, y) => {
      row.forEach((dark, x) => {
        if (dark) d += `M${x} ${y}h1v1h-1z`;
      });
    });
    return { d, size: data.length };
  }, [text]);
  return (
    <svg
      className="qr"
      viewBox={`0 0 ${path.size} ${path.size}`}
      width={220}
      height={220}
      role="img"
      aria-label="QR code of the authenticator secret"
    >
      <rect width={path.size} height={path.size} fill="#fff" />
      <path d={path.d} fill="#000" />
    </svg>
  );
}

/** The base32 secret in groups of four, easier to type. */
function grouped(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}

export function AuthenticatorSection({ me, onChange }: { me: AccessMe; onChange: () => void }) {
  const { busy, error, run } = useAction();
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [code, setCode] = useState('');
  const { totp } = me;
  if (!totp.allowed && !totp.enrolled) return null;

  // Someone without a key confirms with the password (a key holder has just used the key).
  const askPassword = me.keys.length === 0;
  const start = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const password = String(new FormData(e.currentTarget).get('password') ?? '');
    void run(() =>
      postJson<Enrolment>('/api/access/totp/start', askPassword ? { password } : {}).then(setEnrolment),
    );
  };
  const confirm = (e: FormEvent) => {
    e.preventDefault();
    void run(
      () => postJson('/api/access/totp/confirm', { code: code.trim() }),
      () => {
        setEnrolment(null);
        setCode('');
        onChange();
      },
    );
  };
  const remove = () => void run(() => request('DELETE', '/api/access/totp'), onChange);

  return (
    <section className="card" aria-labelledby="totp-h">
      <h2 id="totp-h">Authenticator app (fallback)</h2>
      <p className="muted">
        Codes from an app on your phone can stand in for your security key at the console when the key is
        lost. They can be phished, so they are audited as such, give no device certificate, and policies that
        want a security key still refuse them.
      </p>
      {totp.enrolled ? (
        <>
          <p data-testid="totp-status">
            Set up {totp.confirmedAt ? dateTime(totp.confirmedAt) : ''}; last used{' '}
            {totp.lastUsedAt ? dateTime(totp.lastUsedAt) : 'never'}.
            {totp.allowed ? null : ' This hub no longer allows codes.'}
          </p>
          <button type="button" className="btn" disabled={busy} onClick={remove}>
            Remove authenticator app
          </button>
        </>
      ) : enrolment ? (
        <form className="form" onSubmit={confirm}>
          <p>Scan this with your authenticator app, or type the key. It is shown only now.</p>
          <QrCode text={enrolment.uri} />
          <p>
            <code data-testid="totp-secret">{grouped(enrolment.secret)}</code>
          </p>
          <label>
            The code your app shows now
            <input
              name="totp-code"
              value={code}
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="\d{6}"
              maxLength={6}
              required
              onChange={(e) => setCode(e.target.value)}
            />
          </label>
          <button type="submit" className="btn primary" disabled={busy}>
            Confirm
          </button>
        </form>
      ) : (
        <form className="form row" onSubmit={start}>
          {askPassword ? (
            <label>
              Your password
              <input name="password" type="password" autoComplete="current-password" required />
            </label>
          ) : null}
          <button type="submit" className="btn" disabled={busy}>
            Set up an authenticator app
          </button>
        </form>
      )}
      <FormError error={error} />
    </section>
  );
}
