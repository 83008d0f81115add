/** HTTP/1.x head parser unit tests (RFC 9112 start line and fields, RFC 9110 realm); never-throws checks. */
import { describe, expect, it } from 'vitest';
import { neverThrowsOnMutations, neverThrowsOnTruncations } from '../testing/parsers.js';
import { request, response } from './build.js';
import { headerEnd, parseHead, realmOf, startsHttp } from './parse.js';

const W = ['user-agent', 'server', 'www-authenticate'];

describe('http parse (RFC 9112)', () => {
  it('reads a request line and wanted fields, case-insensitively', () => {
    const b = request('GET', '/Portal/Portal.mwsl', {
      Host: 'plc',
      'USER-AGENT': 'Mozilla/5.0',
      Accept: '*/*',
    });
    expect(headerEnd(b, 0, b.length)).toBe(b.length);
    expect(parseHead(b, 0, b.length, W)).toEqual({
      ok: true,
      msg: { request: true, method: 'GET', fields: { 'user-agent': 'Mozilla/5.0' } },
    });
  });

  it('reads a status line, Server and the realm of a challenge', () => {
    const b = response(401, 'Unauthorized', {
      Server: 'Siemens, SIMATIC',
      'WWW-Authenticate': 'Basic realm="SCALANCE X-200"',
    });
    const r = parseHead(b, 0, b.length, W);
    expect(r).toMatchObject({
      ok: true,
      msg: { request: false, status: 401, fields: { server: 'Siemens, SIMATIC' } },
    });
    expect(realmOf('Digest realm="GoAhead", nonce="x"')).toBe('GoAhead');
    expect(realmOf('Basic realm=device')).toBe('device');
    expect(realmOf('Bearer')).toBeUndefined();
  });

  it('recognises message starts and rejects others', () => {
    expect(startsHttp(Buffer.from('GET / HTTP/1.1'), 0, 14)).toBe(true);
    expect(startsHttp(Buffer.from('HTTP/1.0 200 OK'), 0, 15)).toBe(true);
    expect(startsHttp(Buffer.from('OPTIONS rtsp://cam RTSP/1.0'), 0, 27)).toBe(false);
    expect(startsHttp(Buffer.from('GETTING'), 0, 7)).toBe(false);
    expect(parseHead(Buffer.from('GET / RTSP/1.0\r\n\r\n'), 0, 18, W)).toMatchObject({
      ok: false,
      code: 'bad_start_line',
    });
    expect(headerEnd(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n'), 0, 25)).toBe(-1);
  });

  it('never throws on truncations, mutations or random bytes', () => {
    const samples = [
      request('POST', '/x', { 'User-Agent': 'a' }),
      response(200, 'OK', { Server: 'lighttpd/1.4' }),
    ];
    const p = (b: Buffer, o: number, l: number) => parseHead(b, o, l, W);
    neverThrowsOnTruncations(samples, p);
    neverThrowsOnMutations({ samples, parsers: [p, headerEnd, startsHttp], seed: 80, rounds: 3000 });
  });
});
