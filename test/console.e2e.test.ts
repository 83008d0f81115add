/**
 * The console end to end, in Debian's Chromium against the real hub: sign in, the dashboard's
 * counts are the API's, filter the inventory to PLCs, open one, the network map draws its
 * nodes and leads to an asset, an uploaded capture's new assets appear, and on the account page
 * the password is changed and every other session ended.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Asset } from '../src/inventory/types.js';
import { plantCapture } from '../src/sim/plant.js';
import type { Page as ApiPage, AssetRow, Graph, Stats } from '../src/store/types.js';
import { type ConsoleHub, chromiumAvailable, launchChromium, signIn, startConsoleHub } from './console.js';

interface CaptureJob {
  id: string;
  name: string;
  state: string;
  newAssets?: string[];
}

describe.skipIf(!chromiumAvailable())('web console in a browser', () => {
  let hub: ConsoleHub;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  /** The API as the signed-in browser sees it (same cookie jar). */
  async function api<T>(path: string): Promise<T> {
    const res = await page.context().request.get(hub.url + path);
    expect(res.status(), path).toBe(200);
    return (await res.json()) as T;
  }

  beforeAll(async () => {
    hub = await startConsoleHub();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.setDefaultTimeout(30_000);
    // Script errors and refused resources (e.g. by the hub's CSP) fail the test at the end.
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && !m.text().includes('401')) errors.push(`console: ${m.text()}`);
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  });

  it('signs in and shows the API’s counts on the dashboard', async () => {
    await signIn(page, hub);
    const stats = await api<Stats>('/api/stats');
    expect(stats.assets).toBeGreaterThan(0);
    await expect
      .poll(() => page.getByTestId('count-assets').locator('.tile-n').textContent())
      .toBe(String(stats.assets));
    for (const [role, n] of Object.entries(stats.byRole)) {
      expect(await page.getByTestId(`role-count-${role}`).textContent(), role).toBe(String(n));
    }
    const controllers = ['plc', 'rtu', 'ied', 'io-device', 'pmu', 'bms-controller'] as const;
    const nControllers = controllers.reduce((s, r) => s + (stats.byRole[r] ?? 0), 0);
    expect(await page.getByTestId('count-control').locator('.tile-n').textContent()).toBe(
      String(nControllers),
    );
    // The charts are drawn (echarts, lazily loaded) with the API's numbers in their summaries.
    await page.locator('.chart canvas').first().waitFor();
    const protocols = await page
      .getByRole('img', { name: /^Assets per protocol/ })
      .getAttribute('aria-label');
    const top = [...stats.protocols].sort((a, b) => b.assets - a.assets)[0]!;
    expect(protocols).toContain(`${top.name}: ${top.assets}`);
  });

  let plc: AssetRow;

  it('filters the inventory to PLCs', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Inventory' }).click();
    await page.getByRole('heading', { name: 'Inventory' }).waitFor();
    await page.getByLabel('Filter by role').click();
    await page.getByRole('checkbox', { name: /PLC/ }).check();
    await page.waitForURL(/\/assets\?role=plc$/);

    const plcs = await api<ApiPage<AssetRow>>('/api/assets?role=plc&limit=1000');
    expect(plcs.total).toBeGreaterThan(0);
    const stats = await api<Stats>('/api/stats');
    await expect
      .poll(() => page.getByTestId('inventory-total').textContent())
      .toBe(`${plcs.total} ${plcs.total === 1 ? 'asset' : 'assets'} of ${stats.assets}`);
    const rows = page.locator('tbody tr[data-role]');
    await expect.poll(() => rows.count()).toBe(plcs.total);
    expect(new Set(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-role'))))).toEqual(
      new Set(['plc']),
    );
    plc = plcs.items[0]!;
  });

  it('opens an asset with its identity and evidence', async () => {
    await page.locator('tbody tr[data-role] a.row-link').first().click();
    await page.waitForURL(`${hub.url}/assets/${encodeURIComponent(plc.id)}`);
    const asset = await api<Asset>(`/api/assets/${encodeURIComponent(plc.id)}`);
    await page.getByRole('heading', { name: 'Identity', exact: true }).waitFor();
    const identity = page.locator('dl.facts');
    if (asset.vendor) await expect.poll(() => identity.textContent()).toContain(asset.vendor);
    if (asset.model) expect(await identity.textContent()).toContain(asset.model);
    const evidence = page.getByRole('region', { name: 'Identity facts and evidence' }).locator('tbody tr');
    expect(await evidence.count()).toBe(asset.facts.length);
    // Peers by name (a host name or address), as the API names them.
    const peers = page.getByRole('region', { name: /^Peers/ }).locator('tbody tr td:first-child a');
    expect(asset.peers.length).toBeGreaterThan(0);
    expect(await peers.allTextContents()).toEqual(asset.peers.map((p) => p.name));
    await page.getByRole('region', { name: 'Operations' }).locator('table, p').first().waitFor();
  });

  it('draws the network map with its nodes and leads to an asset', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Network map' }).click();
    const canvas = page.locator('.map-canvas[data-ready]');
    await canvas.waitFor();
    const graph = await api<Graph>('/api/graph');
    expect(graph.nodes.length).toBeGreaterThan(0);
    expect(Number(await canvas.getAttribute('data-nodes'))).toBe(graph.nodes.length);
    // Something is drawn: coloured pixels on cytoscape's canvases, not a blank box.
    await expect
      .poll(() =>
        canvas.evaluate((el) => {
          let inked = 0;
          for (const c of el.querySelectorAll('canvas')) {
            const ctx = c.getContext('2d');
            if (!ctx || c.width === 0 || c.height === 0) continue;
            const px = ctx.getImageData(0, 0, c.width, c.height).data;
            for (let i = 0; i < px.length; i += 4) {
              if (px[i + 3]! > 0 && (px[i]! < 200 || px[i + 1]! < 200 || px[i + 2]! < 200)) inked++;
            }
          }
          return inked;
        }),
      )
      .toBeGreaterThan(graph.nodes.length * 50);

    const target = graph.nodes.find((n) => n.role === 'plc') ?? graph.nodes[0]!;
    await page.getByLabel('Find asset on the map').fill(target.label);
    await page.getByLabel('Find asset on the map').press('Enter');
    const selection = page.getByTestId('map-selection');
    await selection.getByRole('heading', { name: target.label }).waitFor();
    await selection.getByRole('link', { name: 'Open asset' }).click();
    await page.waitForURL(`${hub.url}/assets/${encodeURIComponent(target.id)}`);
  });

  it('uploads a capture and shows the new assets', async () => {
    const before = await api<Stats>('/api/stats');
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: 'Upload capture' })
      .click();
    await page.getByRole('heading', { name: 'Upload capture' }).waitFor();
    // The sample plant with a third production cell: the cell's devices are new.
    await page.locator('input[type=file]').setInputFiles({
      name: 'plant-with-cell-3.pcap',
      mimeType: 'application/vnd.tcpdump.pcap',
      buffer: plantCapture({ cells: 3 }),
    });
    const done = page.getByTestId('upload-done');
    await done.waitFor({ timeout: 60_000 });

    const jobs = await api<{ items: CaptureJob[] }>('/api/captures');
    const job = jobs.items[0]!;
    expect(job).toMatchObject({ name: 'plant-with-cell-3.pcap', state: 'done' });
    const fresh = job.newAssets ?? [];
    expect(fresh.length).toBeGreaterThan(0);
    expect(await done.locator('.new-assets a').count()).toBe(fresh.length);

    const after = await api<Stats>('/api/stats');
    expect(after.assets).toBe(before.assets + fresh.length);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click();
    await expect
      .poll(() => page.getByTestId('count-assets').locator('.tile-n').textContent())
      .toBe(String(after.assets));

    // A new asset is in the inventory and opens.
    const newcomer = await api<Asset>(`/api/assets/${encodeURIComponent(fresh[0]!)}`);
    const search = newcomer.ips[0] ?? newcomer.macs[0]!;
    await page.goto(`${hub.url}/assets?q=${encodeURIComponent(search)}`);
    const row = page.locator('tbody tr[data-role] a.row-link').first();
    await row.waitFor();
    expect(await row.getAttribute('href')).toBe(`/assets/${encodeURIComponent(newcomer.id)}`);
  });

  it('changes the password and signs out everywhere else on the account page', async () => {
    await page.getByRole('link', { name: new RegExp(`^${hub.user.name}`) }).click();
    await page.getByRole('heading', { name: 'Your account' }).waitFor();
    const next = 'console-e2e-new-password';
    await page.getByLabel('Current password').fill(hub.user.password);
    await page.getByLabel('New password', { exact: true }).fill(next);
    await page.getByLabel('New password again').fill(next);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('status').filter({ hasText: 'Password changed' }).waitFor();
    // Outside the browser: the old password is refused, the new one opens another session.
    const login = (password: string) =>
      fetch(`${hub.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: hub.user.name, password }),
      });
    expect((await login(hub.user.password)).status).toBe(401);
    const other = (await login(next)).headers.getSetCookie()[0]!.split(';')[0]!;
    const me = () => fetch(`${hub.url}/api/auth/me`, { headers: { cookie: other } });
    expect((await me()).status).toBe(200);
    await page.getByRole('button', { name: 'Sign out everywhere else' }).click();
    await page.getByRole('status').filter({ hasText: 'Every other session has ended' }).waitFor();
    expect((await me()).status).toBe(401);
    expect(await api<{ user: { name: string } }>('/api/auth/me')).toMatchObject({
      user: { name: hub.user.name },
    });
  });

  it('raised no script error and no refused resource on the way', () => {
    expect(errors).toEqual([]);
  });
});
