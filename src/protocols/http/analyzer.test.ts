/** HTTP analyzer: golden trace (User-Agent on the client, Server and realm on the server), malformed heads. */
import { describe, expect, it } from 'vitest';
import type { Host } from '../../sim/frames.js';
import { TcpSession } from '../../sim/tcp-session.js';
import { anomalies, assets, fuzzFrames, golden } from '../testing/engine.js';
import { request, response } from './build.js';

const browser: Host = { mac: '02:00:00:00:0b:01', ip: '10.12.0.1' };
const plc: Host = { mac: '00:1b:1b:00:0b:02', ip: '10.12.0.2' };

describe('http analyzer (golden traces)', () => {
  it('user agent on the client; Server vendor and realm on the server; bodies not read', async () => {
    const s = new TcpSession(browser, plc, 51000, 80).open();
    s.send(request('GET', '/', { Host: plc.ip, 'User-Agent': 'Mozilla/5.0 (X11; Linux x86_64)' }), 20);
    s.reply(
      response(
        401,
        'Unauthorized',
        { Server: 'Siemens, SIMATIC', 'WWW-Authenticate': 'Basic realm="S7-1200 Web Server"' },
        'x'.repeat(50),
      ),
    );
    s.close();
    const events = await golden(import.meta.url, 'http', s.frames);
    await fuzzFrames(s.frames, 54);
    expect(assets(events).map((e) => [e.at, e.facts])).toEqual([
      [{ ip: browser.ip }, { 'http.user_agent': 'Mozilla/5.0 (X11; Linux x86_64)' }],
      [
        { ip: plc.ip },
        { 'http.server': 'Siemens, SIMATIC', vendor: 'Siemens', 'http.realm': 'S7-1200 Web Server' },
      ],
    ]);
  });

  it('malformed: a bad request line, a header block without end → anomalies, no throw', async () => {
    const s = new TcpSession(browser, plc, 51001, 8080).open();
    s.send(Buffer.from('GET / HTTP/9.9\r\n\r\n'));
    s.reply(Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\n'), Buffer.alloc(9000, 0x61)]));
    s.close();
    const events = await golden(import.meta.url, 'http-malformed', s.frames);
    expect(anomalies(events).map((e) => e.code)).toEqual(['http.bad_start_line', 'http.header_too_large']);
  });
});
