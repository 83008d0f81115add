/** Which database a store opens, and how it says why it could not. */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, StoreError } from './index.js';
import { postgresDatabase, postgresUnavailable } from './testing/databases.js';

const pgSkip = (await postgresUnavailable()) !== null;
const saved = process.env.LINEGUARD_DATABASE_URL;

describe('openStore', () => {
  const dirs: string[] = [];
  afterEach(() => {
    if (saved === undefined) delete process.env.LINEGUARD_DATABASE_URL;
    else process.env.LINEGUARD_DATABASE_URL = saved;
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('opens SQLite in WAL mode in a file only its owner can read', async () => {
    delete process.env.LINEGUARD_DATABASE_URL;
    const dir = mkdtempSync(join(tmpdir(), 'lg-store-'));
    dirs.push(dir);
    const dataDir = join(dir, 'data');
    const store = await openStore({ dataDir });
    await store.createUser({ name: 'a', role: 'admin', passwordHash: 'h' });
    expect(store.dialect).toBe('sqlite');
    const file = join(dataDir, 'lineguard.db');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(existsSync(`${file}-wal`)).toBe(true);
    await store.close();
  });

  it.skipIf(pgSkip)('takes PostgreSQL from LINEGUARD_DATABASE_URL', async () => {
    const db = await postgresDatabase();
    try {
      process.env.LINEGUARD_DATABASE_URL = db.options.url;
      const store = await openStore({ dataDir: join(tmpdir(), 'never-created') });
      expect(store.dialect).toBe('postgres');
      await store.close();
    } finally {
      await db.drop();
    }
  });

  it('refuses a URL it does not know, without echoing its password', async () => {
    const err = await openStore({ url: 'mysql://lg:s3cret@127.0.0.1/lg' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect(err).toMatchObject({ code: 'invalid', field: 'url' });
    expect((err as Error).message).not.toContain('s3cret');
  });

  it('says which server it could not reach, without its password', async () => {
    const err = await openStore({ url: 'postgres://lg:s3cret@127.0.0.1:1/lg' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'unavailable', field: 'database' });
    expect((err as Error).message).toContain('127.0.0.1:1');
    expect((err as Error).message).not.toContain('s3cret');
  });
});
