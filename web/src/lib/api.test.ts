import { describe, expect, it } from 'vitest';
import { ApiError, errorFrom, noteStatus, onSessionLost } from './api.js';

describe('API errors', () => {
  it('carry the problem’s detail and code', async () => {
    const res = new Response(
      JSON.stringify({
        type: 'about:blank',
        title: 'Bad Request',
        status: 400,
        detail: 'subnet: not a CIDR',
        code: 'LG_VALIDATION',
      }),
      { status: 400, headers: { 'content-type': 'application/problem+json' } },
    );
    const e = await errorFrom(res);
    expect(e).toBeInstanceOf(ApiError);
    expect([e.status, e.message, e.code]).toEqual([400, 'subnet: not a CIDR', 'LG_VALIDATION']);
  });

  it('fall back to the title, then the status line', async () => {
    const titled = await errorFrom(
      new Response('{"title":"Forbidden"}', { status: 403, headers: { 'content-type': 'application/json' } }),
    );
    expect(titled.message).toBe('Forbidden');
    const bare = await errorFrom(
      new Response('<html>oops</html>', { status: 502, statusText: 'Bad Gateway' }),
    );
    expect(bare.message).toBe('502 Bad Gateway');
  });

  it('report a lost session, except when a sign-in was refused', () => {
    let lost = 0;
    onSessionLost(() => lost++);
    noteStatus(401, '/api/assets');
    noteStatus(401, '/api/auth/login');
    noteStatus(401, '/api/auth/setup');
    noteStatus(403, '/api/captures');
    expect(lost).toBe(1);
  });
});
