/**
 * The real hub and Debian's Chromium for the console's end-to-end test and its screenshot:
 * a fresh SQLite store with the sample plant ingested, a known user, the built console.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { analyzeBytes } from '../src/capture/analyze.js';
import { startHub } from '../src/server/listen.js';
import { hashPassword } from '../src/server/password.js';
import { plantCapture } from '../src/sim/plant.js';
import { openStore } from '../src/store/index.js';
import type { Store, UserRole } from '../src/store/types.js';
import { REPO } from './shared.js';

export const CHROMIUM = '/usr/bin/chromium';
export const WEB_ROOT = join(REPO, 'dist', 'web');

/** True when Debian's Chromium is installed; otherwise says why it skips (or fails under CI=true). */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  const why = `${CHROMIUM} is missing (apt-get install -y chromium; .ci/run installs it)`;
  if (process.env.CI === 'true')
    throw new Error(`CI=true but the console cannot be tested in a browser: ${why}`);
  console.warn(`skipping the console in a browser: ${why}`);
  return false;
}

/** Headless in a container, and quiet: no calls home, no updates, no sync. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

export interface ConsoleHub {
  url: string;
  user: { name: string; password: string };
  store: Store;
  close(): Promise<void>;
}

/** The hub on a free loopback port over a new SQLite store holding the sample plant. */
export async function startConsoleHub(o: { cells?: number; role?: UserRole } = {}): Promise<ConsoleHub> {
  if (!existsSync(join(WEB_ROOT, 'index.html'))) {
    throw new Error(`${WEB_ROOT}/index.html is missing: run npm run build first`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'lineguard-console-'));
  const store = await openStore({ dataDir: dir });
  try {
    const { events } = await analyzeBytes(plantCapture(o.cells ? { cells: o.cells } : {}), {
      source: 'sample-plant.pcap',
    });
    await store.ingest(events);
    const user = { name: 'operator', password: 'console-e2e-password' };
    await store.createUser({
      name: user.name,
      role: o.role ?? 'engineer',
      passwordHash: await hashPassword(user.password),
    });
    const hub = await startHub({ store, version: 'e2e', host: '127.0.0.1', port: 0, webRoot: WEB_ROOT });
    return {
      url: hub.url,
      user,
      store,
      async close() {
        await hub.close();
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/** Opens the console, lands on the sign-in page and signs in; resolves on the dashboard. */
export async function signIn(page: Page, hub: ConsoleHub): Promise<void> {
  await page.goto(hub.url);
  await page.waitForURL(/\/login$/);
  await page.getByLabel('User name').fill(hub.user.name);
  await page.getByLabel('Password').fill(hub.user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
}
