import { describe, expect, it } from 'vitest';
import { parseRoute, type Route, routeHref } from '../lib/route.js';

function parse(href: string): Route {
  const u = new URL(href, 'http://hub');
  return parseRoute(u.pathname, u.search);
}

describe('access routes', () => {
  it('reads each access tab, grants by default, and one recording', () => {
    expect(parse('/access')).toEqual({ page: 'access', section: 'grants' });
    expect(parse('/access/policy/')).toEqual({ page: 'access', section: 'policy' });
    expect(parse('/access/recordings/s-1%2F2')).toEqual({
      page: 'access',
      section: 'recordings',
      id: 's-1/2',
    });
  });

  it('takes unknown tabs, ids on tabs without them and deeper paths for not found', () => {
    for (const href of [
      '/access/nope',
      '/access/policy/3',
      '/access/recordings/a/b',
      '/access/recordings/%E0%A4%A',
    ])
      expect(parse(href).page, href).toBe('not-found');
  });

  it('formats access routes back to their URL', () => {
    for (const href of ['/access/grants', '/access/audit', '/access/recordings/s-abc'])
      expect(routeHref(parse(href))).toBe(href);
  });
});
