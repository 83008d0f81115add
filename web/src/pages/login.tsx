/**
 * Sign-in (a password, then the user's security key when they have one, or the code of their
 * authenticator app where the hub allows that fallback; or a key alone), and the first
 * administrator's setup with the one-time token the hub printed.
 */
import { type FormEvent, type ReactNode, useState } from 'react';
import { answerWithKey, isCodeRequired, isKeyRequired, signInWithKey } from '../access/webauthn.js';
import { errorText, postJson, type SessionInfo } from '../lib/api.js';
import { FormError } from '../ui/form-error.js';
import { Link } from '../ui/link.js';

function useSubmit(path: string, onSession: (s: SessionInfo) => void) {
  const [busy, setBusy] = useState<'' | 'password' | 'key' | 'code'>('');
  const [error, setError] = useState('');
  // A password sign-in waiting for an authenticator code: its single-use step.
  const [codeStep, setCodeStep] = useState('');
  const attempt = async (step: 'password' | 'key' | 'code', work: () => Promise<SessionInfo | undefined>) => {
    setBusy(step);
    setError('');
    try {
      const session = await work();
      if (session) onSession(session);
      else setBusy('');
    } catch (e) {
      setError(errorText(e));
      setBusy('');
    }
  };
  const submit = (body: Record<string, string>) =>
    attempt('password', async () => {
      const answer = await postJson<unknown>(path, body);
      if (isCodeRequired(answer)) {
        setCodeStep(answer.codeStep);
        return undefined;
      }
      if (!isKeyRequired(answer)) return answer as SessionInfo;
      if (answer.codeStep) setCodeStep(answer.codeStep);
      setBusy('key');
      return answerWithKey(answer);
    });
  const withKey = () => attempt('key', signInWithKey);
  const withCode = (code: string) =>
    attempt('code', async () => {
      // The step is spent by this answer, right or wrong: a wrong code means the password again.
      const step = codeStep;
      setCodeStep('');
      return postJson<SessionInfo>('/api/auth/code/finish', { step, code });
    });
  return { busy, error, submit, withKey, codeStep, withCode, cancelCode: () => setCodeStep('') };
}

function Frame({ title, children }: { title: string; children: ReactNode }) {
  return (
    <main className="auth">
      <div className="auth-card">
        <div className="brand big">
          <span className="brand-mark" aria-hidden="true" />
          Lineguard
        </div>
        <h1>{title}</h1>
        {children}
      </div>
    </main>
  );
}

export function LoginPage({ onSession }: { onSession: (s: SessionInfo) => void }) {
  const { busy, error, submit, withKey, codeStep, withCode, cancelCode } = useSubmit(
    '/api/auth/login',
    onSession,
  );
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    void submit({ name: String(f.get('name') ?? ''), password: String(f.get('password') ?? '') });
  };
  const onCode = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    void withCode(String(new FormData(e.currentTarget).get('code') ?? '').trim());
  };
  if (codeStep && busy !== 'key')
    return (
      <Frame title="Authenticator code">
        {/* Its own key: React must not reuse the user-name field (and its text) for the code. */}
        <form key="code" onSubmit={onCode} className="form">
          <label>
            The code your authenticator app shows
            <input
              name="code"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="\d{6}"
              maxLength={6}
              required
            />
          </label>
          <FormError error={error} />
          <button type="submit" className="btn primary" disabled={busy !== ''}>
            {busy === 'code' ? 'Checking…' : 'Sign in with the code'}
          </button>
        </form>
        <p className="muted small">
          Codes are a fallback: unlike a security key they can be phished. Register a key when you can.{' '}
          <button type="button" className="btn ghost small" onClick={cancelCode}>
            Start again
          </button>
        </p>
      </Frame>
    );
  return (
    <Frame title="Sign in">
      <form key="password" onSubmit={onSubmit} className="form">
        <label>
          User name
          <input name="name" autoComplete="username" required />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <FormError error={error} />
        <button type="submit" className="btn primary" disabled={busy !== ''}>
          {busy === 'password' ? 'Signing in…' : busy === 'key' ? 'Touch your security key…' : 'Sign in'}
        </button>
      </form>
      <p>
        <button type="button" className="btn" disabled={busy !== ''} onClick={() => void withKey()}>
          Use a security key
        </button>
      </p>
      <p className="muted small">
        First start? <Link href="/setup">Create the first administrator</Link> with the token the hub printed.
      </p>
    </Frame>
  );
}

export function SetupPage({ token, onSession }: { token?: string; onSession: (s: SessionInfo) => void }) {
  const { busy, error, submit } = useSubmit('/api/auth/setup', onSession);
  const [mismatch, setMismatch] = useState(false);
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const password = String(f.get('password') ?? '');
    const same = password === String(f.get('confirm') ?? '');
    setMismatch(!same);
    if (same)
      void submit({
        token: String(f.get('token') ?? '').trim(),
        name: String(f.get('name') ?? ''),
        password,
      });
  };
  return (
    <Frame title="Create the first administrator">
      <p className="muted small">
        The hub printed a one-time setup token when it first started. It works once, and only while no user
        exists.
      </p>
      <form onSubmit={onSubmit} className="form">
        <label>
          Setup token
          <input name="token" defaultValue={token ?? ''} required autoComplete="off" spellCheck={false} />
        </label>
        <label>
          Administrator name
          <input name="name" autoComplete="username" required />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="new-password" required />
        </label>
        <label>
          Password again
          <input name="confirm" type="password" autoComplete="new-password" required />
        </label>
        <FormError error={mismatch ? 'The two passwords differ.' : ''} />
        <FormError error={error} />
        <button type="submit" className="btn primary" disabled={busy !== ''}>
          {busy ? 'Creating…' : 'Create administrator'}
        </button>
      </form>
      <p className="muted small">
        <Link href="/login">Back to sign in</Link>
      </p>
    </Frame>
  );
}
