/** SNMP analyzer: golden trace (get / set / trap), default-community anomaly without the value, malformed input, public captures. */
import { describe, expect, it } from 'vitest';
import { analyzeBytes } from '../../capture/analyze.js';
import type { LineguardEvent } from '../../events/types.js';
import { type Host, udpFrame } from '../../sim/frames.js';
import { writePcap } from '../../sim/pcap-writer.js';
import { analyzePublic, describePublicCaptures } from '../testing/captures.js';
import { anomalies, assets, fuzzFrames, golden, operations } from '../testing/engine.js';
import { nul, octets, oid, snmpMessage } from './build.js';
import { Pdu } from './consts.js';

const nms: Host = { mac: '02:00:00:00:06:01', ip: '10.7.0.1' };
const sw: Host = { mac: '00:1b:1b:00:00:08', ip: '10.7.0.8' };

/** One entry per operation (repeat summaries expanded), in frame order. */
const ops = (events: LineguardEvent[]) => operations(events).map((e) => [e.op, e.code, e.target, e.ok]);

describe('snmp analyzer (golden traces)', () => {
  it('system group facts on the agent; get, set and trap as operations; default community flagged without its value', async () => {
    const sys: [string, Buffer][] = [
      ['1.3.6.1.2.1.1.1.0', nul()],
      ['1.3.6.1.2.1.1.2.0', nul()],
      ['1.3.6.1.2.1.1.5.0', nul()],
      ['1.3.6.1.2.1.1.6.0', nul()],
    ];
    const frames = [
      udpFrame(nms, sw, 40000, 161, snmpMessage({ pdu: Pdu.GET, requestId: 1, bindings: sys })),
      udpFrame(
        sw,
        nms,
        161,
        40000,
        snmpMessage({
          pdu: Pdu.RESPONSE,
          requestId: 1,
          bindings: [
            ['1.3.6.1.2.1.1.1.0', octets('Siemens, SIMATIC NET, SCALANCE X308-2, FW: Version V04.02.00')],
            ['1.3.6.1.2.1.1.2.0', oid('1.3.6.1.4.1.4329.6.1.2.3')],
            ['1.3.6.1.2.1.1.5.0', octets('sw-cell-2')],
            ['1.3.6.1.2.1.1.6.0', octets('Hall 2, cabinet 4')],
          ],
        }),
      ),
      udpFrame(
        nms,
        sw,
        40000,
        161,
        snmpMessage({
          pdu: Pdu.SET,
          community: 'private',
          requestId: 2,
          bindings: [['1.3.6.1.2.1.1.6.0', octets('x')]],
        }),
      ),
      udpFrame(
        sw,
        nms,
        161,
        40000,
        snmpMessage({ pdu: Pdu.RESPONSE, requestId: 2, errorStatus: 17, bindings: [] }),
      ),
      udpFrame(
        sw,
        nms,
        40001,
        162,
        snmpMessage({
          pdu: Pdu.TRAP2,
          requestId: 9,
          bindings: [['1.3.6.1.6.3.1.1.4.1.0', oid('1.3.6.1.6.3.1.1.5.3')]],
        }),
      ),
    ];
    const events = await golden(import.meta.url, 'snmp', frames);
    await fuzzFrames(frames, 42);
    expect(assets(events).map((e) => [e.at, e.facts])).toEqual([
      [{ ip: sw.ip }, { 'snmp.version': '2c', 'snmp.security': 'community' }],
      [
        { ip: sw.ip },
        {
          'snmp.sys_descr': 'Siemens, SIMATIC NET, SCALANCE X308-2, FW: Version V04.02.00',
          vendor: 'Siemens',
          model: 'SCALANCE X308-2',
          firmware: 'V04.02.00',
          'snmp.sys_object_id': '1.3.6.1.4.1.4329.6.1.2.3',
          'snmp.enterprise': '4329',
          name: 'sw-cell-2',
          'snmp.sys_name': 'sw-cell-2',
          'snmp.sys_location': 'Hall 2, cabinet 4',
        },
      ],
    ]);
    const a = anomalies(events);
    // Once per flow: the get/set flow and the trap flow.
    expect(a.map((e) => e.code)).toEqual(['snmp.default_community', 'snmp.default_community']);
    expect(JSON.stringify(a)).not.toMatch(/public|private/);
    const { events: all } = await analyzeBytes(writePcap(frames));
    expect(ops(all)).toEqual([
      ['read', '0', '1.3.6.1.2.1.1.1.0 +3', true],
      ['write', '3', '1.3.6.1.2.1.1.6.0', false],
      ['other', '7', '1.3.6.1.6.3.1.1.4.1.0', undefined],
    ]);
  });

  it('malformed: broken BER and an unknown version → anomalies, no throw', async () => {
    const good = snmpMessage({
      community: 'ro',
      pdu: Pdu.GET,
      requestId: 1,
      bindings: [['1.3.6.1.2.1.1.1.0', nul()]],
    });
    const frames = [
      udpFrame(nms, sw, 40002, 161, good.subarray(0, good.length - 3)),
      udpFrame(nms, sw, 40002, 161, Buffer.from('3009020109040170a00100', 'hex')),
    ];
    const events = await golden(import.meta.url, 'snmp-malformed', frames);
    expect(anomalies(events).map((e) => e.code)).toEqual(['snmp.bad_ber', 'snmp.bad_message']);
  });
});

describePublicCaptures('snmp', () => {
  it('snmpwalk_short.pcap: a net-snmp agent walked with community public', async () => {
    const events = await analyzePublic('it/snmpwalk_short.pcap');
    const facts = assets(events)
      .filter((e) => e.protocol === 'snmp')
      .map((e) => [e.at, e.facts]);
    const at = { ip: '138.68.10.203' };
    expect(facts).toContainEqual([
      at,
      { 'snmp.sys_object_id': '1.3.6.1.4.1.8072.3.2.10', 'snmp.enterprise': '8072' },
    ]);
    expect(facts).toContainEqual([
      at,
      { name: 'ubuntu-512mb-sfo2-01', 'snmp.sys_name': 'ubuntu-512mb-sfo2-01' },
    ]);
    expect(facts).toContainEqual([at, { 'snmp.sys_location': 'Sitting on the Dock of the Bay' }]);
    const o = ops(events);
    expect(o).toHaveLength(200);
    expect(o.every(([op, code, , ok]) => op === 'read' && code === '1' && ok === true)).toBe(true);
    expect(
      anomalies(events)
        .filter((e) => e.protocol === 'snmp')
        .map((e) => e.code),
    ).toEqual(['snmp.default_community']);
  });

  it('mms_and_goose.pcap: interface status polling of two switches', async () => {
    const events = await analyzePublic('iec61850/mms_and_goose.pcap');
    const o = operations(events).filter((e) => e.protocol === 'snmp');
    expect(o).toHaveLength(7);
    expect(new Set(o.map((e) => e.server.ip))).toEqual(new Set(['172.16.201.0', '172.16.202.0']));
    expect(o.every((e) => e.op === 'read' && e.ok === true)).toBe(true);
  });
});
