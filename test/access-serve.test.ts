/**
 * The access gateway inside `lineguard serve` and `lineguard demo`, through the built command:
 * the gateway's own database in the data folder, the CA unlocked from LINEGUARD_CA_PASSPHRASE
 * or …_FILE (a wrong one refuses to start, exit 64), security keys bound to the console's URL;
 * the demo's supplier with a pending request that the administrator sees.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SoftwareKey } from '../src/access/testing/software-key.js';
import { RunningCli, runCli, signIn } from './cli.js';

const PASSPHRASE = 'serve-test passphrase, long enough';

const baseEnv = () => {
  const env: NodeJS.ProcessEnv = { ...process.env, LINEGUARD_DATABASE_URL: '' };
  delete env.LINEGUARD_CA_PASSPHRASE;
  delete env.LINEGUARD_CA_PASSPHRASE_FILE;
  delete env.LINEGUARD_PUBLIC_URL;
  return env;
};

describe('lineguard serve with the access gateway', () => {
  let data: string;
  beforeAll(() => {
    data = mkdtempSync(join(tmpdir(), 'lineguard-serve-access-'));
  });
  afterAll(() => rmSync(data, { recursive: true, force: true }));

  it('runs the gateway in the hub with its own database, keys bound to the console URL', async () => {
    const hub = new RunningCli(['serve', '--data-dir', data, '--port', '0'], {
      ...baseEnv(),
      LINEGUARD_CA_PASSPHRASE: PASSPHRASE,
    });
    try {
      const [, origin] = await hub.waitFor(/Access gateway on, security keys for (http:\/\/localhost:\d+)/);
      const [, url, token] = await hub.waitFor(/(http:\/\/127\.0\.0\.1:\d+)\/setup\?token=([\w-]+)/);
      expect(new URL(origin!).port).toBe(new URL(url!).port);
      expect(existsSync(join(data, 'lineguard-access.db'))).toBe(true);
      const setup = await fetch(`${url}/api/auth/setup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token, name: 'boss', password: 'boss-password-1' }),
      });
      const cookie = setup.headers.getSetCookie()[0]!.split(';')[0]!;
      const me = (await (await fetch(`${url}/api/access/me`, { headers: { cookie } })).json()) as {
        webauthn: boolean;
        role: string;
      };
      expect(me).toMatchObject({ webauthn: true, role: 'admin' });
      expect(await hub.stop()).toBe(0);
      expect(hub.stderr).toBe('');
    } finally {
      await hub.stop('SIGKILL');
    }
  });

  it('allows authenticator codes only when asked (--allow-totp), and only with the gateway', async () => {
    const off = new RunningCli(['serve', '--data-dir', data, '--port', '0', '--allow-totp'], baseEnv());
    expect(await off.exited).toBe(64);
    expect(off.stderr).toMatch(/--allow-totp: the access gateway is off/);
    const on = new RunningCli(['serve', '--data-dir', data, '--port', '0', '--allow-totp'], {
      ...baseEnv(),
      LINEGUARD_CA_PASSPHRASE: PASSPHRASE,
    });
    try {
      await on.waitFor(/Authenticator codes allowed as a fallback \(not phishing-resistant/);
      const [, url] = await on.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      const cookie = await signIn(url!, 'boss', 'boss-password-1');
      const me = (await (await fetch(`${url}/api/access/me`, { headers: { cookie } })).json()) as {
        totp: unknown;
      };
      expect(me.totp).toEqual({ allowed: true, enrolled: false });
      expect(await on.stop()).toBe(0);
    } finally {
      await on.stop('SIGKILL');
    }
  });

  it('takes the key sign-in window (--key-window), only with the gateway and only 1 to 60 minutes', async () => {
    const off = new RunningCli(['serve', '--data-dir', data, '--port', '0', '--key-window', '2'], baseEnv());
    expect(await off.exited).toBe(64);
    expect(off.stderr).toMatch(/--key-window: the access gateway is off/);
    const env = { ...baseEnv(), LINEGUARD_CA_PASSPHRASE: PASSPHRASE };
    for (const bad of ['0', '61', '1.5', 'x']) {
      const refused = new RunningCli(['serve', '--data-dir', data, '--port', '0', '--key-window', bad], env);
      expect(await refused.exited).toBe(64);
      expect(refused.stderr).toMatch(/expected whole minutes, 1 to 60/);
    }
    const on = new RunningCli(['serve', '--data-dir', data, '--port', '0', '--key-window', '2'], env);
    try {
      const [, url] = await on.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      const cookie = await signIn(url!, 'boss', 'boss-password-1');
      const me = (await (await fetch(`${url}/api/access/me`, { headers: { cookie } })).json()) as {
        keyWindowMinutes: number;
      };
      expect(me.keyWindowMinutes).toBe(2);
      expect(await on.stop()).toBe(0);
    } finally {
      await on.stop('SIGKILL');
    }
  });

  it('refuses to start with the wrong CA passphrase, and starts with the right one from a file', async () => {
    const wrong = new RunningCli(['serve', '--data-dir', data, '--port', '0'], {
      ...baseEnv(),
      LINEGUARD_CA_PASSPHRASE: 'not the passphrase it was sealed with',
    });
    expect(await wrong.exited).toBe(64);
    expect(wrong.stderr).toMatch(/access gateway: wrong CA passphrase/);

    const file = join(data, 'passphrase');
    writeFileSync(file, `${PASSPHRASE}\n`, { mode: 0o600 });
    const right = new RunningCli(['serve', '--data-dir', data, '--port', '0'], {
      ...baseEnv(),
      LINEGUARD_CA_PASSPHRASE_FILE: file,
    });
    try {
      await right.waitFor(/Access gateway on/);
      await right.waitFor(/listening on/);
      expect(await right.stop()).toBe(0);
    } finally {
      await right.stop('SIGKILL');
    }
  });

  it('lets the host recover a locked-out administrator: reset-factors, then passwd', async () => {
    const env = { ...baseEnv(), LINEGUARD_CA_PASSPHRASE: PASSPHRASE };
    const add = await runCli(['user', 'add', 'ops', '--admin', '--password-stdin', '--data-dir', data], {
      env,
      stdin: Buffer.from('ops-password-1\n'),
    });
    expect(add.code, add.stderr).toBe(0);
    const hub = new RunningCli(['serve', '--data-dir', data, '--port', '0'], env);
    try {
      const [, origin] = await hub.waitFor(/security keys for (http:\/\/localhost:\d+)/);
      const [, url] = await hub.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      const post = (path: string, body: unknown, cookie?: string, csrf?: string) =>
        fetch(`${url}${path}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(cookie ? { cookie } : {}),
            ...(csrf ? { 'x-csrf-token': csrf } : {}),
          },
          body: JSON.stringify(body),
        });
      const login = await post('/api/auth/login', { name: 'ops', password: 'ops-password-1' });
      const cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
      const { csrf } = (await login.json()) as { csrf: string };
      const start = (await (await post('/api/access/keys/register/start', {}, cookie, csrf)).json()) as {
        ceremony: string;
        options: never;
      };
      const key = new SoftwareKey();
      const reg = await post(
        '/api/access/keys/register/finish',
        { ceremony: start.ceremony, response: key.register(start.options, origin!), name: 'lost key' },
        cookie,
        csrf,
      );
      expect(reg.status).toBe(201);
      // From now on ops needs the key after the password: and the key is lost.
      const locked = (await (
        await post('/api/auth/login', { name: 'ops', password: 'ops-password-1' })
      ).json()) as {
        keyRequired?: boolean;
      };
      expect(locked.keyRequired).toBe(true);
      expect(await hub.stop()).toBe(0);
    } finally {
      await hub.stop('SIGKILL');
    }

    const nobody = await runCli(['user', 'reset-factors', 'nobody', '--data-dir', data], { env });
    expect(nobody.code).toBe(64);
    expect(nobody.stderr).toBe('lineguard: no user nobody\n');
    const empty = mkdtempSync(join(tmpdir(), 'lineguard-empty-'));
    try {
      const none = await runCli(['user', 'reset-factors', 'ops', '--data-dir', empty], { env });
      expect(none.code).toBe(64);
      expect(none.stderr).toMatch(/no gateway database in /);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
    const reset = await runCli(['user', 'reset-factors', 'ops', '--data-dir', data], { env });
    expect(reset.stderr).toBe('');
    expect(reset.stdout).toMatch(/^Removed 1 security key of ops; their console sessions have ended/);
    const passwd = await runCli(['user', 'passwd', 'ops', '--password-stdin', '--data-dir', data], {
      env,
      stdin: Buffer.from('ops-password-2\n'),
    });
    expect(passwd.stdout).toBe('Password of ops changed; their console sessions have ended.\n');

    const db = join(data, 'lineguard-access.db');
    const exported = await runCli(['audit', 'export', '--format', 'jsonl', '--db', db], { env });
    const byHost = exported.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; actor: string })
      .filter((e) => e.actor === 'host')
      .map((e) => e.type);
    expect(byHost).toEqual(['access.key.remove', 'access.password.change']);
    expect((await runCli(['audit', 'verify', '--db', db], { env })).code).toBe(0);

    const again = new RunningCli(['serve', '--data-dir', data, '--port', '0'], env);
    try {
      const [, url] = await again.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      // The new password alone signs ops in (then a new key is registered on My keys).
      await signIn(url!, 'ops', 'ops-password-2');
      expect(await again.stop()).toBe(0);
    } finally {
      await again.stop('SIGKILL');
    }
  });

  it('runs without the gateway when no passphrase is set, and says how to turn it on', async () => {
    const hub = new RunningCli(['serve', '--data-dir', data, '--port', '0'], baseEnv());
    try {
      await hub.waitFor(/Access gateway off: set LINEGUARD_CA_PASSPHRASE/);
      const [, url] = await hub.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      const cookie = await signIn(url!, 'boss', 'boss-password-1');
      expect((await fetch(`${url}/api/access/me`, { headers: { cookie } })).status).toBe(404);
      expect(await hub.stop()).toBe(0);
    } finally {
      await hub.stop('SIGKILL');
    }
  });
});

describe('lineguard demo with the access gateway', () => {
  it("shows the administrator the sample supplier's pending request, and the supplier their own", async () => {
    const demo = new RunningCli(['demo', '--port', '0'], baseEnv());
    try {
      const [, url] = await demo.waitFor(/Console +(http:\/\/localhost:\d+)/);
      const [, password] = await demo.waitFor(/Sign in +admin \/ (\S+)/);
      const [, supplier, supplierPassword] = await demo.waitFor(/Supplier +(\S+) \/ (\S+)/);
      const [, folder] = await demo.waitFor(/Throw-away data in (\S+),/);
      expect(existsSync(join(folder!, 'ca-passphrase'))).toBe(true);
      const admin = await signIn(url!, 'admin', password!);
      const grants = (await (
        await fetch(`${url}/api/access/grants`, { headers: { cookie: admin } })
      ).json()) as {
        items: { requester: string; status: string }[];
      };
      expect(grants.items).toMatchObject([{ requester: supplier, status: 'pending' }]);
      const me = (await (await fetch(`${url}/api/access/me`, { headers: { cookie: admin } })).json()) as {
        approver: boolean;
      };
      expect(me.approver).toBe(true);
      const sam = await signIn(url!, supplier!, supplierPassword!);
      const own = (await (await fetch(`${url}/api/access/grants`, { headers: { cookie: sam } })).json()) as {
        items: unknown[];
      };
      expect(own.items).toHaveLength(1);
      expect(await demo.stop('SIGINT')).toBe(0);
      expect(existsSync(folder!)).toBe(false);
      expect(demo.stderr).toBe('');
    } finally {
      await demo.stop('SIGKILL');
    }
  });
});
