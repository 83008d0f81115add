/** BACnet/IP analyzer: golden traces (local devices, BBMD and routers, malformed), operations, identity recall on the public captures. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeBytes } from '../../capture/analyze.js';
import type { LineguardEvent, OpObserved } from '../../events/types.js';
import { type Host, udpFrame } from '../../sim/frames.js';
import { writePcap } from '../../sim/pcap-writer.js';
import { analyzePublic, describePublicCaptures, PCAPS } from '../testing/captures.js';
import { anomalies, assets, fuzzFrames, golden, operations } from '../testing/engine.js';
import {
  bvlc,
  bvlcOnly,
  confirmed,
  error,
  iAm,
  npdu,
  readProperty,
  readPropertyAck,
  reject,
  simpleAck,
  tag,
  unconfirmed,
  whoIs,
} from './build.js';

const ws: Host = { mac: '02:00:00:00:00:c8', ip: '10.30.0.200' };
const ctl: Host = { mac: '00:10:90:aa:bb:01', ip: '10.30.0.21' };
const bcast: Host = { mac: 'ff:ff:ff:ff:ff:ff', ip: '10.30.0.255' };
const P = 47808;

/** The bacnet operations, one entry per operation (repeat summaries expanded), in frame order. */
function ops(events: LineguardEvent[]): OpObserved[] {
  return operations(events).filter((e) => e.protocol === 'bacnet');
}
const brief = (o: OpObserved) => [o.op, o.code, o.target, o.ok];
const codes = (events: LineguardEvent[]) => anomalies(events).map((a) => a.code);
const facts = (events: LineguardEvent[]) => assets(events).map((e) => [e.at, e.facts]);

async function goldenWithOps(name: string, f: Buffer[]): Promise<LineguardEvent[]> {
  await golden(import.meta.url, name, f);
  await fuzzFrames(f, 42);
  return (await analyzeBytes(writePcap(f))).events;
}

const uni = (apdu: Buffer) => bvlc(0x0a, npdu(apdu));

describe('bacnet analyzer (golden traces)', () => {
  it('local devices: who-is / i-am, device properties, writes, errors, password failures', async () => {
    const f = [
      udpFrame(ws, bcast, P, P, bvlc(0x0b, npdu(whoIs()))),
      udpFrame(ctl, bcast, P, P, bvlc(0x0b, npdu(iAm(2401, 5, 1476, 0)))),
      udpFrame(ws, ctl, P, P, uni(readProperty(1, 8, 4194303, 77))),
      udpFrame(ctl, ws, P, P, uni(readPropertyAck(1, 8, 2401, 77, tag.text('AHU-3 NAE')))),
      udpFrame(ws, ctl, P, P, uni(readProperty(2, 8, 2401, 70))),
      udpFrame(
        ctl,
        ws,
        P,
        P,
        uni(readPropertyAck(2, 8, 2401, 70, tag.text('MS-NAE4510-2', undefined, true))),
      ),
      udpFrame(ws, ctl, P, P, uni(readProperty(3, 8, 2401, 44))),
      udpFrame(ctl, ws, P, P, uni(readPropertyAck(3, 8, 2401, 44, tag.text('9.0.7')))),
      udpFrame(ws, ctl, P, P, uni(readProperty(4, 0, 7, 77))),
      udpFrame(ctl, ws, P, P, uni(readPropertyAck(4, 0, 7, 77, tag.text('Supply Air Temp')))),
      udpFrame(
        ws,
        ctl,
        P,
        P,
        uni(
          confirmed(
            5,
            15,
            tag.object(1, 2, 0),
            tag.unsigned(85, 1),
            tag.open(3),
            tag.unsigned(0),
            tag.close(3),
          ),
        ),
      ),
      udpFrame(ctl, ws, P, P, uni(error(5, 15, 2, 40))),
      udpFrame(ws, ctl, P, P, uni(confirmed(6, 20, tag.enumerated(0, 0), tag.text('guess', 1)))),
      udpFrame(ctl, ws, P, P, uni(error(6, 20, 5, 26))),
      udpFrame(ws, ctl, P, P, uni(confirmed(7, 20, tag.enumerated(1, 0), tag.text('right', 1)))),
      udpFrame(ctl, ws, P, P, uni(simpleAck(7, 20))),
      // The controller asks the workstation something: the op's client is the controller.
      udpFrame(ctl, ws, P, P, uni(readProperty(9, 8, 4194303, 121))),
      udpFrame(ws, ctl, P, P, uni(reject(9, 9))),
      udpFrame(ws, ctl, P, P, uni(unconfirmed(6, Buffer.from([0xa4, 125, 1, 1, 1, 0xb4, 12, 0, 0, 0])))),
    ];
    const events = await goldenWithOps('bacnet-local', f);
    expect(ops(events).map(brief)).toEqual([
      ['identify', '8', 'who-is', undefined],
      ['identify', '0', 'i-am device 2401', undefined],
      ['read', '12', 'device 4194303 object-name', true],
      ['read', '12', 'device 2401 model-name', true],
      ['read', '12', 'device 2401 firmware-revision', true],
      ['read', '12', 'analog-input 7 object-name', true],
      ['write', '15', 'analog-output 2 present-value', false],
      ['control', '20', 'coldstart', false],
      ['control', '20', 'warmstart', true],
      ['read', '12', 'device 4194303 vendor-name', false],
      ['control', '6', 'time-synchronization', undefined],
    ]);
    const reversed = ops(events).find((o) => o.target === 'device 4194303 vendor-name')!;
    expect([reversed.client.ip, reversed.server.ip]).toEqual([ctl.ip, ws.ip]);
    expect(facts(events)).toEqual([
      [
        { mac: ctl.mac, ip: ctl.ip },
        {
          'bacnet.device_instance': '2401',
          'bacnet.vendor_id': '5',
          vendor: 'Johnson Controls, Inc.',
          'bacnet.max_apdu': '1476',
          'bacnet.segmentation': 'segmented-both',
          roleHint: 'bms-controller',
        },
      ],
      [{ ip: ctl.ip }, { 'bacnet.device_instance': '2401' }],
      [{ ip: ctl.ip }, { 'bacnet.object_name': 'AHU-3 NAE', name: 'AHU-3 NAE' }],
      [{ ip: ctl.ip }, { model: 'MS-NAE4510-2' }],
      [{ ip: ctl.ip }, { firmware: '9.0.7' }],
      [{ ip: ctl.ip }, { 'bacnet.object_name': 'Supply Air Temp' }],
    ]);
    expect(codes(events)).toEqual(['bacnet.password_failure']);
  });

  it('BBMD and routers: forwarded NPDUs speak for their origin, routed ones for a device behind the router', async () => {
    const fd: Host = { mac: '02:00:00:00:01:34', ip: '192.168.7.134' };
    const bbmd: Host = { mac: '00:e0:c9:00:10:a5', ip: '192.168.0.24' };
    const router: Host = { mac: '00:60:2d:00:15:d5', ip: '192.168.0.18' };
    const ttl = Buffer.from([0, 60]);
    const f = [
      udpFrame(fd, bbmd, P, P, bvlcOnly(0x05, ttl)),
      udpFrame(bbmd, fd, P, P, bvlcOnly(0x00, Buffer.from([0, 0]))),
      udpFrame(fd, bbmd, P, P, bvlcOnly(0x01, Buffer.alloc(10))),
      udpFrame(bbmd, fd, P, P, bvlcOnly(0x00, Buffer.from([0, 0x10]))),
      // The BBMD relays 192.168.0.105's I-Am to the foreign device.
      udpFrame(bbmd, fd, P, P, bvlc(0x04, npdu(iAm(123, 260)), { ip: '192.168.0.105', port: P })),
      // The router announces network 4 and relays an I-Am from MS/TP MAC 0x56 there.
      udpFrame(router, bcast, P, P, bvlc(0x0b, npdu(Buffer.from([0x00, 0x04]), {}, 0x01))),
      udpFrame(
        router,
        bcast,
        P,
        P,
        bvlc(
          0x0b,
          npdu(iAm(884456, 86), {
            snet: { net: 4, mac: Buffer.from([0x56]) },
            dnet: { net: 0xffff, mac: Buffer.alloc(0) },
          }),
        ),
      ),
    ];
    const events = await goldenWithOps('bacnet-bbmd', f);
    expect(ops(events).map(brief)).toEqual([
      ['other', 'bvlc-5', 'register-foreign-device', true],
      ['program', 'bvlc-1', 'write-broadcast-distribution-table', false],
      ['identify', '0', 'i-am device 123', undefined],
      ['other', 'network-1', undefined, undefined],
      ['identify', '0', 'i-am device 884456', undefined],
    ]);
    const f2 = facts(events);
    expect(f2).toContainEqual([{ ip: bbmd.ip }, { 'bacnet.bbmd': 'true' }]);
    expect(f2).toContainEqual([
      { ip: '192.168.0.105' },
      expect.objectContaining({ 'bacnet.device_instance': '123', 'bacnet.vendor_id': '260' }),
    ]);
    expect(f2).toContainEqual([{ ip: router.ip }, { 'bacnet.routed_network': '4' }]);
    expect(f2).toContainEqual([
      { ip: router.ip },
      { 'bacnet.remote_device': 'network 4 mac 56: device 884456 vendor 86 (The Watt Stopper, Inc.)' },
    ]);
    // Nothing about device 123 or 884456 lands on the BBMD or the router themselves.
    expect(assets(events).some((e) => e.at.ip !== '192.168.0.105' && e.facts['bacnet.device_instance'])).toBe(
      false,
    );
  });

  it('malformed: not BACnet/IP, bad NPDU, cut APDU, answers without requests', async () => {
    const f = [
      udpFrame(ws, ctl, P, P, Buffer.from([0x82, 0x0a, 0, 4])),
      udpFrame(ws, ctl, P, P, Buffer.from([0x81, 0x0a, 0, 6, 2, 0])),
      udpFrame(ws, ctl, P, P, Buffer.from([0x81, 0x0a, 0, 8, 1, 0, 0x00, 0x05])),
      udpFrame(ctl, ws, P, P, uni(Buffer.from([0x70, 3, 4]))),
      udpFrame(ws, ctl, P, P, uni(readProperty(8, 8, 1, 77))),
    ];
    const events = await goldenWithOps('bacnet-malformed', f);
    expect(codes(events)).toEqual([
      'bacnet.bad_bvlc',
      'bacnet.bad_npdu',
      'bacnet.bad_apdu',
      'bacnet.unmatched_answer',
    ]);
    expect(ops(events).map(brief)).toEqual([['read', '12', 'device 1 object-name', undefined]]);
  });
});

/**
 * Truth facts that are tshark's mistakes (tshark files every decoded field under the IP that
 * sent the frame), in the corpus test's `file|subject|fact=value` form, with the evidence.
 */
const TSHARK_WRONG_BACNET: Record<string, string> = {
  'bacnet/bacnet_bbmd.pcap|192.168.0.18|bacnet.vendor_id=86':
    'frame 13: the I-Am of device 884456 comes from network 4 MAC 0x56 (SNET/SADR) through the router 192.168.0.18, whose own I-Am (frame 7) says vendor 18',
  'bacnet/bacnet_bbmd.pcap|192.168.0.24|bacnet.device_instance=123':
    "frame 6: a Forwarded-NPDU from the BBMD carrying 192.168.0.105's I-Am (BVLC origin 192.168.0.105, as in frame 5)",
  'bacnet/bacnet_bbmd.pcap|192.168.0.24|bacnet.device_instance=18':
    "frame 8: a Forwarded-NPDU carrying 192.168.0.18's I-Am (BVLC origin 192.168.0.18, as in frame 7)",
  'bacnet/bacnet_bbmd.pcap|192.168.0.24|bacnet.vendor_id=18':
    'frame 8: forwarded from 192.168.0.18 (see its frame 7)',
  'bacnet/bacnet_bbmd.pcap|192.168.0.24|bacnet.vendor_id=260':
    'frame 6: forwarded from 192.168.0.105; frames 11-12: device 86114 on network 26001 behind 192.168.0.24 (SNET 26001), not 192.168.0.24 itself (device 2401, vendor 24, frame 9)',
  'bacnet/bacnet_bbmd.pcap|192.168.0.24|bacnet.vendor_id=86':
    'frame 14: forwarded from 192.168.0.18, and even there routed from network 4 (frame 13)',
  'bacnet/bacnet_error_reject_abort.pcap|10.10.10.10|bacnet.object_name=SYNERGY':
    'frame 30: the I-Have of device 61 comes from network 13 address 61 (SNET/SADR) through 10.10.10.10, which is device 101 (frame 29)',
  'bacnet/bacnet_error_reject_abort.pcap|10.10.10.10|bacnet.vendor_id=7':
    "frame 18: a ConfirmedPrivateTransfer's vendor id names whose proprietary service is asked of the server, not the sender (its I-Am, frame 29, says vendor 1337)",
  'bacnet/bacnet_error_reject_abort.pcap|10.10.10.10|bacnet.vendor_id=0':
    "frame 33: an UnconfirmedPrivateTransfer's vendor id (0, ASHRAE) names the service's definer, not the device (vendor 1337, frame 29)",
};

describePublicCaptures('bacnet', () => {
  it('identity recall against the truth files: every fact but the listed tshark mistakes', async () => {
    for (const file of ['bacnet_bbmd', 'bacnet_error_reject_abort', 'bacnet_example', 'bacnet_test']) {
      const truth = JSON.parse(readFileSync(`${PCAPS}bacnet/${file}.pcap.truth.json`, 'utf8')) as {
        identity: Record<string, Record<string, string[]>>;
      };
      const events = await analyzePublic(`bacnet/${file}.pcap`);
      const have = new Set(
        assets(events).flatMap((e) =>
          Object.entries(e.facts).map(([k, v]) => `${e.at.ip ?? e.at.mac}|${k}=${v}`),
        ),
      );
      const missing: string[] = [];
      for (const [subject, keys] of Object.entries(truth.identity)) {
        for (const [k, values] of Object.entries(keys)) {
          for (const v of values) {
            const id = `${subject}|${k}=${v}`;
            if (!k.startsWith('bacnet.') || TSHARK_WRONG_BACNET[`bacnet/${file}.pcap|${id}`]) continue;
            if (!have.has(id)) missing.push(id);
          }
        }
      }
      expect(missing, file).toEqual([]);
    }
  });

  it('bacnet_example: reads, I-Ams, and a ReinitializeDevice password guessing run', async () => {
    const events = await analyzePublic('bacnet/bacnet_example.pcap');
    const tally = new Map<string, number>();
    for (const o of ops(events)) {
      const k = `${o.op} ${o.code} ${o.ok}`;
      tally.set(k, (tally.get(k) ?? 0) + 1);
    }
    expect(Object.fromEntries(tally)).toEqual({
      'read 12 true': 1400,
      'identify 0 undefined': 210,
      'identify 8 undefined': 7,
      'program 20 false': 90,
      'program 20 true': 30,
    });
    expect(ops(events).find((o) => o.code === '20')?.target).toBe('abort-restore');
    expect(codes(events).filter((c) => c === 'bacnet.password_failure').length).toBeGreaterThan(0);
    expect(facts(events)).toContainEqual([
      { ip: '172.20.32.109' },
      { 'bacnet.object_name': 'PLC_28', name: 'PLC_28' },
    ]);
    expect(facts(events)).toContainEqual([{ ip: '172.20.32.109' }, { model: 'HIY-054' }]);
  });

  it('bacnet_test: a scan of the wildcard device names a JCI NAE; BBMD requests refused', async () => {
    const events = await analyzePublic('bacnet/bacnet_test.pcap');
    const onNae = assets(events)
      .filter((e) => e.at.ip === '10.1.1.165')
      .map((e) => e.facts);
    expect(onNae).toEqual([
      { 'bacnet.device_instance': '500' },
      { 'bacnet.vendor_id': '5', vendor: 'Johnson Controls, Inc.' },
      { vendor: 'JCI' },
      { firmware: '5.1.0.4400' },
      { 'bacnet.object_name': 'KBRNAE', name: 'KBRNAE' },
      { model: 'MS-NAE4510-2' },
    ]);
    expect(ops(events).slice(-2).map(brief)).toEqual([
      ['read', 'bvlc-2', 'read-broadcast-distribution-table', false],
      ['other', 'bvlc-5', 'register-foreign-device', false],
    ]);
  });

  it('bacnet_error_reject_abort: each confirmed service gets its kind; no throw on the odd answers', async () => {
    const events = await analyzePublic('bacnet/bacnet_error_reject_abort.pcap');
    const kindOf = new Map(ops(events).map((o) => [`${o.code}:${o.target?.split(' ')[0]}`, o.op]));
    expect(kindOf.get('7:net')).toBe('program'); // AtomicWriteFile
    expect(kindOf.get('6:file')).toBe('read');
    expect(kindOf.get('17:disable')).toBe('control');
    expect(kindOf.get('20:coldstart')).toBe('control');
    expect(kindOf.get('8:who-is')).toBe('identify');
    expect(kindOf.get('6:time-synchronization')).toBe('control');
    expect(facts(events)).toContainEqual([{ ip: '10.10.10.10' }, { 'bacnet.private_transfer_vendor': '0' }]);
  });
});
