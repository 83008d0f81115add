/**
 * A real hub for tests: Fastify (driven through `inject`) over a real store in a throwaway
 * database, with clients that sign in and carry their cookie and CSRF token like the console.
 */
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { openStore } from '../../store/index.js';
import { type TestDatabase, testDatabase } from '../../store/testing/databases.js';
import type { Dialect, Store, UserRole } from '../../store/types.js';
import { buildHub, type HubOptions } from '../app.js';
import type { Hub } from '../context.js';
import { hashPassword } from '../password.js';
import { SESSION_COOKIE } from '../sessions.js';

/** Test accounts hash cheaply (the cost travels in the hash); the KDF has its own tests. */
const CHEAP = { log2N: 10, r: 8, p: 1 };

export interface TestHub {
  app: Hub;
  store: Store;
  /** Adds a user and returns a client signed in as it. */
  signedIn(role: UserRole, name?: string): Promise<Client>;
  addUser(name: string, role: UserRole, password: string): Promise<void>;
  close(): Promise<void>;
}

export interface Client {
  cookie: string;
  csrf: string;
  inject(o: InjectOptions): Promise<LightMyRequestResponse>;
}

export function sessionCookie(res: LightMyRequestResponse): string | undefined {
  return res.cookies.find((c) => c.name === SESSION_COOKIE)?.value;
}

/** A client for the session a sign-in answer opened (its cookie and CSRF token). */
export function clientOf(app: Hub, res: LightMyRequestResponse): Client {
  const cookie = sessionCookie(res);
  if (cookie === undefined) throw new Error(`no session opened: ${res.statusCode} ${res.body}`);
  const csrf = (res.json() as { csrf: string }).csrf;
  return {
    cookie,
    csrf,
    inject: (o) =>
      app.inject({
        ...o,
        cookies: { [SESSION_COOKIE]: cookie, ...o.cookies },
        headers: { 'x-csrf-token': csrf, ...o.headers },
      }),
  };
}

export async function testHub(
  opts: Partial<Omit<HubOptions, 'store'>> & { dialect?: Dialect } = {},
): Promise<TestHub> {
  const db: TestDatabase = await testDatabase(opts.dialect ?? 'sqlite');
  const store = await openStore(db.options);
  const app = await buildHub({ version: 'test', ...opts, store });
  await app.ready();
  let n = 0;

  const addUser = async (name: string, role: UserRole, password: string) => {
    await store.createUser({ name, role, passwordHash: await hashPassword(password, CHEAP) });
  };

  return {
    app,
    store,
    addUser,
    async signedIn(role, name = `${role}${++n}`) {
      const password = `pw-${name}-long-enough`;
      await addUser(name, role, password);
      const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { name, password } });
      if (res.statusCode !== 200) throw new Error(`login of ${name} failed: ${res.statusCode} ${res.body}`);
      return clientOf(app, res);
    },
    async close() {
      await app.close();
      await store.close();
      await db.drop();
    },
  };
}

/** A multipart/form-data body with one file part. */
export function multipart(
  field: string,
  filename: string,
  content: Buffer,
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----lineguard${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\n` +
      'Content-Type: application/octet-stream\r\n\r\n',
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return {
    payload: Buffer.concat([head, content, tail]),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}
