/** SSH analyzer: golden trace of a version exchange (split banner, non-standard port), malformed banners. */
import { describe, expect, it } from 'vitest';
import type { Host } from '../../sim/frames.js';
import { TcpSession } from '../../sim/tcp-session.js';
import { anomalies, assets, fuzzFrames, golden } from '../testing/engine.js';
import { banner } from './build.js';

const admin: Host = { mac: '02:00:00:00:08:01', ip: '10.9.0.1' };
const gw: Host = { mac: '00:0a:dc:00:00:02', ip: '10.9.0.2' };

describe('ssh analyzer (golden traces)', () => {
  it('banners on each side, the server on port 2222, the client banner split across segments', async () => {
    const s = new TcpSession(admin, gw, 51000, 2222).open();
    s.reply(banner('OpenSSH_8.9p1', 'Ubuntu-3'));
    s.send(banner('PuTTY_Release_0.80'), 6);
    s.send(Buffer.from([0, 0, 1, 0x2c, 0x0a, 0x14, 1, 2, 3]));
    s.close();
    const events = await golden(import.meta.url, 'ssh', s.frames);
    await fuzzFrames(s.frames, 54);
    expect(assets(events).map((e) => [e.at, e.facts])).toEqual([
      [
        { ip: gw.ip },
        {
          'ssh.banner': 'SSH-2.0-OpenSSH_8.9p1 Ubuntu-3',
          'ssh.software': 'OpenSSH_8.9p1',
          'ssh.protocol': '2.0',
        },
      ],
      [
        { ip: admin.ip },
        {
          'ssh.banner': 'SSH-2.0-PuTTY_Release_0.80',
          'ssh.software': 'PuTTY_Release_0.80',
          'ssh.protocol': '2.0',
        },
      ],
    ]);
  });

  it('malformed: no identification within the preface, a bad one → anomalies, no throw', async () => {
    const s = new TcpSession(admin, gw, 51001, 22).open();
    s.reply(Buffer.alloc(1500, 0x41));
    s.send(Buffer.from('SSH-2.0\r\n'));
    s.close();
    const events = await golden(import.meta.url, 'ssh-malformed', s.frames);
    expect(
      anomalies(events)
        .map((e) => e.code)
        .sort(),
    ).toEqual(['ssh.bad_banner', 'ssh.no_banner']);
  });
});
