/** Niagara Fox analyzer: golden trace of a hello exchange, a malformed stream, the public capture. */
import { describe, expect, it } from 'vitest';
import { analyzeBytes } from '../../capture/analyze.js';
import type { Host } from '../../sim/frames.js';
import { writePcap } from '../../sim/pcap-writer.js';
import { TcpSession } from '../../sim/tcp-session.js';
import { analyzePublic, describePublicCaptures } from '../testing/captures.js';
import { anomalies, assets, fuzzFrames, golden, operations } from '../testing/engine.js';
import { foxMessage } from './build.js';

const wb: Host = { mac: '02:00:00:00:03:04', ip: '10.4.0.4' };
const jace: Host = { mac: '00:01:f0:00:00:01', ip: '10.4.0.119' };

describe('fox analyzer (golden traces)', () => {
  it('hello facts on each side; the exchange is one identify operation', async () => {
    const s = new TcpSession(wb, jace, 42167, 1911).open();
    s.send(
      foxMessage('hello', { hostName: 'eng-laptop', 'app.name': 'Workbench', 'app.version': '4.10.1' }, 1),
      40,
    );
    s.reply(
      foxMessage('hello', {
        hostName: 'jace-ahu1',
        hostAddress: '10.4.0.119',
        'app.name': 'Station',
        'app.version': '4.10.1.36',
        'os.name': 'QNX',
        'station.name': 'AHU_1',
        brandId: 'vykon',
      }),
      100,
    );
    s.reply(Buffer.from('fox a 1 -1 fox challenge\n{\nmethod=s:digest-md5\n};;\n'));
    s.close();
    const events = await golden(import.meta.url, 'fox', s.frames);
    await fuzzFrames(s.frames, 54);
    expect(assets(events).map((e) => [e.at, e.facts])).toEqual([
      [
        { ip: wb.ip },
        {
          'fox.host_name': 'eng-laptop',
          'fox.app_name': 'Workbench',
          'fox.app_version': '4.10.1',
          roleHint: 'engineering-workstation',
        },
      ],
      [
        { ip: jace.ip },
        {
          'fox.host_name': 'jace-ahu1',
          'fox.host_address': '10.4.0.119',
          'fox.app_name': 'Station',
          'fox.app_version': '4.10.1.36',
          'fox.os_name': 'QNX',
          'fox.station_name': 'AHU_1',
          'fox.brand_id': 'vykon',
          vendor: 'Tridium',
          firmware: '4.10.1.36',
          roleHint: 'bms-controller',
          name: 'AHU_1',
        },
      ],
    ]);
    const { events: all } = await analyzeBytes(writePcap(s.frames));
    expect(operations(all)).toMatchObject([{ op: 'identify', code: 'hello', ok: true }]);
  });

  it('malformed: not Fox text after the handshake port, an endless message → anomalies, no throw', async () => {
    const s = new TcpSession(wb, jace, 42168, 1911).open();
    s.send(Buffer.from('fox a\nnope;;\n'));
    s.reply(Buffer.concat([Buffer.from('fox a 0 -1 fox hello\n{\n'), Buffer.alloc(17_000, 0x41)]));
    s.close();
    const events = await golden(import.meta.url, 'fox-malformed', s.frames);
    expect(anomalies(events).map((e) => e.code)).toEqual(['fox.bad_message', 'fox.too_large']);
  });
});

describePublicCaptures('fox', () => {
  it('niagara_fox_info.pcap: a Vykon JACE station on QNX answers a Workbench hello', async () => {
    const events = await analyzePublic('other/niagara_fox_info.pcap');
    const facts = assets(events).filter((e) => e.protocol === 'fox');
    expect(facts.map((e) => [e.at, e.facts])).toContainEqual([
      { ip: '106.68.88.119' },
      expect.objectContaining({
        'fox.station_name': 'Legion_HQ_V4',
        'fox.host_name': '192.168.2.15',
        'fox.app_name': 'Station',
        'fox.app_version': '3.5.41.1',
        vendor: 'Tridium',
        firmware: '3.5.41.1',
        roleHint: 'bms-controller',
        name: 'Legion_HQ_V4',
      }),
    ]);
    expect(facts.map((e) => [e.at, e.facts])).toContainEqual([
      { ip: '10.1.3.4' },
      expect.objectContaining({ 'fox.app_name': 'Workbench', 'fox.host_name': 'xpvm-0omdc01xmy' }),
    ]);
    expect(operations(events)).toMatchObject([{ op: 'identify', code: 'hello', ok: true }]);
    expect(anomalies(events).filter((e) => e.protocol === 'fox')).toEqual([]);
  });
});
