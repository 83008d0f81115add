/**
 * A process killed while ingesting loses no committed batch and leaves no half-written one:
 * a child ingests in batches and is SIGKILLed after a few have committed; reopening shows a
 * whole number of batches and an inventory built from exactly them.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from './index.js';
import { postgresUnavailable, type TestDatabase, testDatabase } from './testing/databases.js';
import type { Dialect, Store } from './types.js';

const pgSkip = (await postgresUnavailable()) !== null;
const here = dirname(fileURLToPath(import.meta.url));
const CHILD = join(here, 'testing', 'ingest-child.ts');
const COUNT = 200_000;
const BATCH = 2_000;
const SERVER_ID = 'mac:00:80:f4:00:00:01';

/** Runs the child until `committed` batches are in, then kills it a random few ms later. */
function ingestAndKill(
  db: TestDatabase,
  committed: number,
): Promise<{ seen: number; signal: string | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', CHILD, JSON.stringify(db.options), String(COUNT), String(BATCH)],
      {
        cwd: join(here, '..', '..'),
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let seen = 0;
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = [...out.matchAll(/committed (\d+)/g)].at(-1);
      if (m && seen < committed && Number(m[1]) >= committed) {
        seen = Number(m[1]);
        setTimeout(() => child.kill('SIGKILL'), Math.floor(Math.random() * 40));
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === null)
        reject(new Error(`the child was not killed (exit ${code}): ${out.slice(-200)} ${err.slice(-2000)}`));
      else resolve({ seen, signal });
    });
  });
}

for (const dialect of ['sqlite', 'postgres'] as const satisfies Dialect[]) {
  describe.skipIf(dialect === 'postgres' && pgSkip)(`a killed ingest on ${dialect}`, () => {
    let db: TestDatabase | undefined;
    let store: Store | undefined;
    afterEach(async () => {
      await store?.close();
      await db?.drop();
    });

    it('keeps whole committed batches only, and reopens to a consistent inventory', async () => {
      db = await testDatabase(dialect);
      const { seen, signal } = await ingestAndKill(db, 3);
      expect(signal).toBe('SIGKILL');
      store = await openStore(db.options);
      // One row per client: every committed batch whole, none of the one in flight.
      const flows = await store.flows(SERVER_ID);
      const clients = flows.length;
      expect(clients % BATCH).toBe(0);
      expect(clients).toBeGreaterThanOrEqual(seen * BATCH);
      expect(clients).toBeLessThan(COUNT);
      expect(flows.every((f) => f.flows === 1 && f.packets[0] === 2 && f.server === SERVER_ID)).toBe(true);
      // The inventory the killed process never rebuilt: rebuilt at open, from exactly those rows.
      const page = await store.listAssets({ limit: 1, offset: 0 });
      expect(page.total).toBe(clients + 1);
      const server = (await store.getAsset(SERVER_ID))!;
      expect(server.peers).toHaveLength(clients);
    });
  });
}
