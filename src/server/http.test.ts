/**
 * The hub over real HTTP: the console's files and SPA fallback, path tricks that must not
 * leave the build folder, security headers, hostile bodies, and an upload over the limit.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { plantCapture } from '../sim/plant.js';
import { openStore } from '../store/index.js';
import type { Store } from '../store/types.js';
import { webPath } from './console.js';
import { type RunningHub, startHub } from './listen.js';
import { hashPassword } from './password.js';

const SECRET = 'top-secret-outside-the-build';

/** One raw request line, sent as is: no client normalises the path on the way. */
function rawGet(base: string, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const sock = connect(Number(port), hostname, () => {
      sock.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}\r\nConnection: close\r\n\r\n`);
    });
    let data = '';
    sock.setEncoding('latin1');
    sock.on('data', (d: string) => (data += d));
    sock.on('error', reject);
    sock.on('end', () => resolve({ status: Number(data.split(' ')[1]), body: data }));
  });
}

describe('webPath', () => {
  it('keeps plain paths and refuses ways out', () => {
    expect(webPath('')).toBe('');
    expect(webPath('assets/app-1234.js')).toBe('assets/app-1234.js');
    expect(webPath('assets/ip:10.10.1.20')).toBe('assets/ip:10.10.1.20');
    expect(webPath('inventory/')).toBe('inventory');
    for (const bad of [
      '..',
      '../x',
      'a/../../x',
      './x',
      'a//b',
      'a\\..\\x',
      'x\0.js',
      '.env',
      'a/.git/config',
    ]) {
      expect(webPath(bad), bad).toBeNull();
    }
  });
});

describe('hub over HTTP', () => {
  let dir: string;
  let store: Store;
  let hub: RunningHub;
  let cookie: string;
  let csrf: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lg-http-'));
    const web = join(dir, 'web');
    mkdirSync(join(web, 'assets'), { recursive: true });
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>console</title><div id="root"></div>');
    writeFileSync(join(web, 'assets', 'app-1234.js'), 'console.log("app")');
    writeFileSync(join(web, '.env'), SECRET);
    writeFileSync(join(dir, 'secret.txt'), SECRET);
    store = await openStore({ dataDir: join(dir, 'data') });
    await store.createUser({
      name: 'eng',
      role: 'engineer',
      passwordHash: await hashPassword('engineer-password', { log2N: 10, r: 8, p: 1 }),
    });
    hub = await startHub({
      store,
      version: 'test',
      host: '127.0.0.1',
      port: 0,
      webRoot: web,
      maxUploadBytes: 16_384,
    });
    const res = await fetch(`${hub.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'eng', password: 'engineer-password' }),
    });
    cookie = res.headers.getSetCookie()[0]!.split(';')[0]!;
    csrf = ((await res.json()) as { csrf: string }).csrf;
  });

  afterAll(async () => {
    await hub?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the console, its files, and index.html for its own routes', async () => {
    const index = await fetch(`${hub.url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await index.text()).toContain('<title>console</title>');
    const js = await fetch(`${hub.url}/assets/app-1234.js`);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(js.headers.get('cache-control')).toContain('immutable');
    // API answers are never cached, signed in or not, right or wrong.
    for (const path of ['/api/health', '/api/auth/me', '/api/nowhere'])
      expect((await fetch(`${hub.url}${path}`)).headers.get('cache-control'), path).toBe('no-store');
    const route = await fetch(`${hub.url}/assets/${encodeURIComponent('mac:00:80:f4:12:34:01')}`);
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('<title>console</title>');
    for (const method of ['GET', 'POST', 'DELETE']) {
      const api = await fetch(`${hub.url}/api/nothing-here`, { method });
      expect(api.status, method).toBe(404);
      expect(api.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
  });

  it('sends security headers: a self-only CSP, no framing, no sniffing', async () => {
    const res = await fetch(`${hub.url}/`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  });

  it('never serves a file outside the build folder, nor a hidden one', async () => {
    const tricks = [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2e%2e%2fsecret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/..%5csecret.txt',
      '/%252e%252e/secret.txt',
      '/.env',
      '/%2eenv',
      '/assets/app-1234.js%00.html',
      '/%00',
      '//etc/passwd',
      '/assets/..%2f..%2fsecret.txt',
    ];
    for (const path of tricks) {
      const res = await rawGet(hub.url, path);
      expect(res.body, path).not.toContain(SECRET);
      expect(res.status, path).toBeGreaterThanOrEqual(200);
      expect(res.status, path).toBeLessThan(500);
    }
  });

  it('answers bad JSON, oversized and mistyped bodies with 4xx and a clear message', async () => {
    const post = (body: string, type = 'application/json') =>
      fetch(`${hub.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': type }, body });
    const bad = await post('{"name": "eng", "password": ');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      code: 'LG_BAD_JSON',
      detail: expect.stringMatching(/^body: not valid JSON/),
    });
    const empty = await post('');
    expect(empty.status).toBe(400);
    expect(await empty.json()).toMatchObject({ code: 'LG_BAD_JSON' });
    const huge = await post(JSON.stringify({ name: 'eng', password: 'x'.repeat(200_000) }));
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({
      code: 'LG_TOO_LARGE',
      detail: 'body: larger than 65536 bytes',
    });
    const text = await post('name=eng', 'text/plain');
    expect(text.status).toBe(415);
    const extra = await post(JSON.stringify({ name: 'eng', password: 'engineer-password', admin: true }));
    expect(extra.status).toBe(400);
    expect(((await extra.json()) as { detail: string }).detail).toMatch(/^body: .*admin/);
    const proto = await post('{"__proto__": {"role": "admin"}, "name": "eng", "password": "x"}');
    expect(proto.status).toBe(400);
  });

  it('refuses an upload over the limit with 413 while it is still arriving', async () => {
    const form = new FormData();
    form.append('capture', new Blob([plantCapture()]), 'plant.pcap');
    const res = await fetch(`${hub.url}/api/captures`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrf },
      body: form,
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: 'LG_TOO_LARGE' });
    expect((await store.stats()).assets).toBe(0);
  });

  it('shows the OpenAPI document', async () => {
    const doc = (await (await fetch(`${hub.url}/api/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, { get?: { parameters?: { name: string }[] } }>;
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/api/assets']?.get?.parameters?.map((p) => p.name)).toEqual(
      expect.arrayContaining([
        'role',
        'vendor',
        'protocol',
        'subnet',
        'q',
        'sort',
        'order',
        'limit',
        'offset',
      ]),
    );
    expect(Object.keys(doc.paths)).toContain('/api/captures/{id}');
    expect(Object.keys(doc.paths)).not.toContain('/*');
  });
});

describe('without a console build', () => {
  it('says so at / and keeps answering the API', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lg-http-'));
    const store = await openStore({ dataDir: dir });
    const hub = await startHub({
      store,
      version: 'test',
      host: '127.0.0.1',
      port: 0,
      webRoot: join(dir, 'none'),
    });
    try {
      const res = await fetch(`${hub.url}/`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('the web console is not built');
      expect((await fetch(`${hub.url}/api/health`)).status).toBe(200);
    } finally {
      await hub.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
