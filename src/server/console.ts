/**
 * The web console: static files from the Vite build (`dist/web`), and index.html for every
 * other non-API path so the console's own routes load on refresh. Paths are checked before
 * the file system is touched: nothing outside the build folder can be named.
 */

import { existsSync, statSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { Hub } from './context.js';
import { HubError } from './errors.js';

/** `dist/web` of this installation, from `src/server` (tsx) and `dist/server` (built) alike. */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../dist/web', import.meta.url));

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Lineguard</title></head>
<body><h1>Lineguard hub</h1>
<p>The hub is running and its API answers under <code>/api</code>, but the web console is not built:
there is no <code>dist/web/index.html</code> in this installation. Build the console into
<code>dist/web</code> and reload this page.</p></body></html>
`;

/**
 * The request path as a path inside the build folder, or null when it tries to leave it or
 * names something hidden: `..` and `.` segments, NUL, backslashes, dot-files.
 */
export function webPath(path: string): string | null {
  if (path === '') return '';
  if (/[\0\\]/.test(path)) return null;
  const segments = (path.endsWith('/') ? path.slice(0, -1) : path).split('/');
  if (segments.some((s) => s === '' || s.startsWith('.'))) return null;
  return segments.join('/');
}

export async function registerConsole(app: Hub, webRoot: string): Promise<void> {
  const root = resolve(webRoot);
  const built = existsSync(resolve(root, 'index.html'));
  if (built) await app.register(fastifyStatic, { root, serve: false });

  app.get('/*', { config: { access: 'public' }, schema: { hide: true } }, async (req, reply) => {
    const path = (req.params as { '*': string })['*'];
    if (path === 'api' || path.startsWith('api/')) {
      throw new HubError('LG_NOT_FOUND', `no API route GET /${path}`);
    }
    if (!built) return reply.type('text/html; charset=utf-8').send(NOT_BUILT);
    const rel = webPath(path);
    if (rel === null)
      throw new HubError('LG_VALIDATION', 'path: must not contain "..", ".", NUL or backslashes');
    const full = resolve(root, rel);
    if (rel !== '' && full.startsWith(root + sep) && statSync(full, { throwIfNoEntry: false })?.isFile()) {
      const hashed = rel.startsWith('assets/');
      return reply.sendFile(rel, { maxAge: hashed ? '365d' : 0, immutable: hashed, dotfiles: 'deny' });
    }
    // The console's own routes (e.g. /assets/ip:10.10.1.20 in the browser) load the app.
    reply.header('cache-control', 'no-cache');
    return reply.sendFile('index.html', { dotfiles: 'deny' });
  });
}
