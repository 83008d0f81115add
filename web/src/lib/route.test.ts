import { describe, expect, it } from 'vitest';
import { assetHref, parseRoute, type Route, routeHref, safeNext } from './route.js';

function parse(href: string): Route {
  const u = new URL(href, 'http://hub');
  return parseRoute(u.pathname, u.search);
}

describe('console routes', () => {
  it('reads each page from its URL', () => {
    expect(parse('/')).toEqual({ page: 'dashboard' });
    expect(parse('/map')).toEqual({ page: 'map' });
    expect(parse('/map?focus=ip%3A10.10.1.20')).toEqual({ page: 'map', focus: 'ip:10.10.1.20' });
    expect(parse('/upload/')).toEqual({ page: 'upload' });
    expect(parse('/account')).toEqual({ page: 'account' });
    expect(parse('/setup?token=abc')).toEqual({ page: 'setup', token: 'abc' });
    expect(parse('/login?next=%2Fmap')).toEqual({ page: 'login', next: '/map' });
    expect(parse('/nowhere')).toEqual({ page: 'not-found', path: '/nowhere' });
  });

  it('keeps the inventory query as it is', () => {
    const r = parse('/assets?role=plc,hmi&q=10.10');
    expect(r.page).toBe('inventory');
    if (r.page === 'inventory') expect(r.query.get('role')).toBe('plc,hmi');
  });

  it('round-trips asset ids with colons, slashes escaped and unicode', () => {
    for (const id of ['ip:10.10.1.20', 'mac:00:80:f4:12:34:01', 'name:Pumpe Süd', 'ip:fe80::1']) {
      const href = assetHref(id);
      expect(href).not.toContain(':');
      expect(parse(href)).toEqual({ page: 'asset', id });
    }
  });

  it('does not take a malformed or nested asset path for an asset', () => {
    expect(parse('/assets/%E0%A4%A').page).toBe('not-found');
    expect(parse('/assets/a%2Fb').page).toBe('not-found');
  });

  it('formats every route back to the URL it came from', () => {
    for (const href of [
      '/',
      '/assets',
      '/assets?role=plc',
      '/map',
      '/map?focus=ip%3A10.0.0.1',
      '/upload',
      '/account',
      '/setup?token=t',
    ]) {
      expect(routeHref(parse(href))).toBe(href);
    }
  });
});

describe('where a sign-in may lead', () => {
  it('allows paths on this console', () => {
    expect(safeNext('/assets?role=plc')).toBe('/assets?role=plc');
  });

  it('refuses other origins, scheme-relative and backslash tricks, and the sign-in pages', () => {
    for (const bad of [
      'https://evil.example/',
      '//evil.example',
      '/\\evil.example',
      'map',
      '/login',
      '/setup?token=x',
      '',
      null,
    ]) {
      expect(safeNext(bad)).toBeUndefined();
    }
  });
});
