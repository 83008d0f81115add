/** PROFINET DCP/RT analyzer: golden trace of a commissioning session, operations, flow naming, fuzzed frames, public captures and identity recall. */
import { describe, expect, it } from 'vitest';
import { analyzeBytes } from '../../capture/analyze.js';
import type { FlowObserved, LineguardEvent, OpObserved } from '../../events/types.js';
import { ethernet } from '../../sim/frames.js';
import { writePcap } from '../../sim/pcap-writer.js';
import { analyzePublic, describePublicCaptures } from '../testing/captures.js';
import { anomalies, assets, fuzzFrames, golden, operations } from '../testing/engine.js';
import { missingFacts } from '../testing/recall.js';
import { DCP_IDENTIFY_MULTICAST, dcp, dcpBlock, rtFrame } from './build.js';
import { ControlSub, DeviceRole, DeviceSub, ETHERTYPE_PROFINET, IpSub, Option } from './consts.js';

async function run(frames: Buffer[]): Promise<LineguardEvent[]> {
  const { events, summary } = await analyzeBytes(writePcap(frames));
  expect(summary.analyzerErrors).toBe(0);
  return events;
}

/** One entry per operation (repeat summaries expanded), in frame order. */
const ops = (events: LineguardEvent[]) =>
  operations(events).map((e) => [e.client.mac, e.server.mac, e.op, e.code, e.target, e.ok]);

const pg = '00:1b:1b:aa:00:01'; // engineering station
const plc = '00:1b:1b:aa:00:02';
const io1 = '00:1b:1b:aa:00:10';
const io2 = '00:30:de:aa:00:11';

const io1Blocks = [
  dcpBlock.vendor('ET200SP'),
  dcpBlock.nameOfStation('io-1', 0),
  dcpBlock.deviceId(0x002a, 0x0313),
  dcpBlock.role(DeviceRole.IO_DEVICE),
  dcpBlock.instance(0, 1),
  dcpBlock.ip('192.168.0.11', '255.255.255.0', '0.0.0.0', 1),
];

describe('profinet_dcp analyzer (golden trace)', () => {
  it('commissioning: identify, set name and IP, a refused set, factory reset, get, hello, cyclic data', async () => {
    const frames = [
      // The device answers before anything asks it (its flow with the PG starts device → PG).
      dcp.identifyRequest(pg, 0x100, [dcpBlock.all()]),
      dcp.identifyResponse(io1, pg, 0x100, io1Blocks),
      dcp.identifyResponse(io2, pg, 0x100, [
        dcpBlock.vendor('AXL F BK PN'),
        dcpBlock.nameOfStation('', 0),
        dcpBlock.deviceId(0x00b0, 0x0105),
        dcpBlock.role(DeviceRole.IO_DEVICE),
        dcpBlock.ip('0.0.0.0', '0.0.0.0', '0.0.0.0', 0),
      ]),
      // Name and address io-2; the IP is refused.
      dcp.setRequest(pg, io2, 0x101, [
        dcpBlock.control(ControlSub.START_TRANSACTION),
        dcpBlock.nameOfStation('io-2', 1),
        dcpBlock.control(ControlSub.END_TRANSACTION),
      ]),
      dcp.setResponse(io2, pg, 0x101, [
        dcpBlock.response(Option.CONTROL, ControlSub.START_TRANSACTION, 0),
        dcpBlock.response(Option.DEVICE, DeviceSub.NAME_OF_STATION, 0),
        dcpBlock.response(Option.CONTROL, ControlSub.END_TRANSACTION, 0),
      ]),
      dcp.setRequest(pg, io2, 0x102, [dcpBlock.ip('192.168.0.12', '255.255.255.0', '192.168.0.1', 1)]),
      dcp.setResponse(io2, pg, 0x102, [dcpBlock.response(Option.IP, IpSub.PARAMETER, 6)]),
      // Factory reset of io-1, then a Get of its name and address.
      dcp.setRequest(pg, io1, 0x103, [dcpBlock.control(ControlSub.RESET_TO_FACTORY, 0x0004)]),
      dcp.setResponse(io1, pg, 0x103, [dcpBlock.response(Option.CONTROL, ControlSub.RESET_TO_FACTORY, 0)]),
      dcp.getRequest(pg, io1, 0x104, [
        [Option.DEVICE, DeviceSub.NAME_OF_STATION],
        [Option.IP, IpSub.PARAMETER],
      ]),
      dcp.getResponse(io1, pg, 0x104, [
        dcpBlock.nameOfStation('', 0),
        dcpBlock.ip('0.0.0.0', '0.0.0.0', '0.0.0.0', 0),
      ]),
      // A Set nobody answers (reported at the end of the capture).
      dcp.setRequest(pg, io1, 0x105, [dcpBlock.control(ControlSub.SIGNAL, 0x0100)]),
      // The PLC looks for its devices by name: a searcher, not a name of its own after the second.
      dcp.identifyRequest(plc, 0x200, [dcpBlock.nameOfStation('io-1')]),
      dcp.identifyRequest(plc, 0x201, [dcpBlock.nameOfStation('io-2')]),
      // A device announces itself (Hello), then exchanges cyclic data with the PLC.
      dcp.hello(io2, 0x300, [
        dcpBlock.nameOfStation('io-2', 0),
        dcpBlock.ip('192.168.0.12', '255.255.255.0', '0.0.0.0', 1),
      ]),
      rtFrame(plc, io2, 0x8001, Buffer.alloc(40)),
      rtFrame(io2, plc, 0x8002, Buffer.alloc(40)),
      // Malformed: DCPDataLength past the end.
      ethernet(io1, pg, ETHERTYPE_PROFINET, Buffer.from([0xfe, 0xfd, 4, 1, 0, 0, 0, 1, 0, 0, 0x01, 0])),
    ];
    const events = await golden(import.meta.url, 'profinet_dcp', frames);
    await fuzzFrames(frames, 14);
    const all = await run(frames);
    expect(ops(all)).toEqual([
      [pg, DCP_IDENTIFY_MULTICAST, 'identify', '5', 'all', undefined],
      [pg, io2, 'write', '4', 'name-of-station "io-2"', true],
      [pg, io2, 'write', '4', 'ip 192.168.0.12/24 gw 192.168.0.1', false],
      [pg, io1, 'control', '4', 'reset-to-factory mode 0x0004', true],
      [pg, io1, 'read', '3', 'name-of-station, ip', true],
      // Emitted at the end of the capture, listed (frame order) at its request.
      [pg, io1, 'control', '4', 'signal', undefined],
      [plc, DCP_IDENTIFY_MULTICAST, 'identify', '5', 'name-of-station "io-1"', undefined],
      [plc, DCP_IDENTIFY_MULTICAST, 'identify', '5', 'name-of-station "io-2"', undefined],
      [io2, '01:0e:cf:00:00:01', 'identify', '6', 'io-2', undefined],
    ]);
    const facts = assets(events).map((e) => [e.at.mac, e.facts]);
    expect(facts).toContainEqual([
      io1,
      {
        'profinet_dcp.device_vendor': 'ET200SP',
        model: 'ET200SP',
        name: 'io-1',
        'profinet_dcp.name_of_station': 'io-1',
        'profinet_dcp.vendor_id': '0x002a',
        'profinet_dcp.device_id': '0x0313',
        vendor: 'Siemens',
        'profinet_dcp.device_role': 'IO-Device',
        roleHint: 'io-device',
        'profinet_dcp.device_instance': '0.1',
        'profinet_dcp.ip': '192.168.0.11',
        'profinet_dcp.netmask': '255.255.255.0',
      },
    ]);
    expect(facts).toContainEqual([
      io2,
      expect.objectContaining({ vendor: 'Phoenix Contact', model: 'AXL F BK PN' }),
    ]);
    expect(facts).toContainEqual([
      io2,
      {
        name: 'io-2',
        'profinet_dcp.name_of_station': 'io-2',
        'profinet_dcp.ip': '192.168.0.12',
        'profinet_dcp.netmask': '255.255.255.0',
      },
    ]);
    // The PLC's first search is taken as its own name (the self-check pattern); the second stops it.
    expect(facts.filter(([mac]) => mac === plc)).toEqual([[plc, { 'profinet_dcp.name_of_station': 'io-1' }]]);
    expect(anomalies(events).map((e) => e.code)).toEqual(['profinet_dcp.bad_length']);
    const apps = all
      .filter((e): e is FlowObserved => e.kind === 'flow.observed')
      .map((e) => [e.client.mac, e.server.mac, e.app]);
    expect(apps).toContainEqual([plc, io2, 'profinet_rt']);
    // This flow's first frame was io-2's answer: the flow's client is io-2, the ops' client the PG.
    expect(apps).toContainEqual([io2, pg, 'profinet_dcp']);
  });

  it('a flow that starts with cyclic data and later carries DCP is profinet_dcp', async () => {
    const all = await run([
      rtFrame(plc, io1, 0xc001, Buffer.alloc(40)),
      dcp.setRequest(plc, io1, 1, [dcpBlock.ip('10.0.0.2', '255.0.0.0', '0.0.0.0', 1)]),
      dcp.setResponse(io1, plc, 1, [dcpBlock.response(Option.IP, IpSub.PARAMETER, 0)]),
    ]);
    const flows = all.filter((e): e is FlowObserved => e.kind === 'flow.observed');
    expect(flows.map((f) => f.app)).toEqual(['profinet_dcp']);
    expect(ops(all)).toEqual([[plc, io1, 'write', '4', 'ip 10.0.0.2/8', true]]);
  });

  it('repeated requests on a flow the device opened: every one counted (the reversed emitter summarises too)', async () => {
    const frames = [
      dcp.setResponse(io1, pg, 0x99, [dcpBlock.response(Option.CONTROL, ControlSub.SIGNAL, 0)]),
    ];
    for (let i = 0; i < 3; i++) {
      frames.push(dcp.setRequest(pg, io1, i, [dcpBlock.control(ControlSub.SIGNAL, 0x100)]));
      frames.push(dcp.setResponse(io1, pg, i, [dcpBlock.response(Option.CONTROL, ControlSub.SIGNAL, 0)]));
    }
    const all = await run(frames);
    expect(ops(all)).toEqual(Array(3).fill([pg, io1, 'control', '4', 'signal', true]));
    // The first at once, the two repeats in one summary at the flow's end.
    expect(all.filter((e) => e.kind === 'op.observed').map((e) => (e as OpObserved).count)).toEqual([
      undefined,
      2,
    ]);
  });

  it('the pending table is bounded: the oldest unanswered request goes out without a verdict', async () => {
    const frames = Array.from({ length: 70 }, (_, i) =>
      dcp.setRequest(pg, io1, i, [dcpBlock.control(ControlSub.SIGNAL, 0x100)]),
    );
    const all = await run(frames);
    expect(ops(all)).toHaveLength(70);
    expect(anomalies(all).map((e) => e.code)).toEqual(['profinet_dcp.pending_overflow']);
  });
});

describePublicCaptures('profinet_dcp', () => {
  it('change_ip_using_dcp.pcap: a Siemens X208 is identified, then its IP is set (the attack: op write)', async () => {
    const events = await analyzePublic('profinet/change_ip_using_dcp.pcap');
    expect(missingFacts('profinet/change_ip_using_dcp.pcap', events, ['profinet_dcp.'])).toEqual({
      wanted: 4,
      missing: [],
    });
    expect(ops(events)).toEqual([
      ['00:0c:29:ba:09:ea', '08:00:06:93:cf:32', 'identify', '5', 'all', true],
      ['00:0c:29:ba:09:ea', '08:00:06:93:cf:32', 'write', '4', 'ip 192.168.0.10/24 gw 192.168.0.1', true],
    ]);
    const set = events.find((e): e is OpObserved => e.kind === 'op.observed' && e.op === 'write');
    expect(set?.evidence.frame).toBe(3);
    expect(assets(events).find((e) => e.protocol === 'profinet_dcp')?.facts).toMatchObject({
      vendor: 'Siemens',
      name: 'X208-BORD',
    });
  });

  it('profinet_rt.pcap: eleven Siemens stations check their own names (tshark keys them on the sender)', async () => {
    const events = await analyzePublic('profinet/profinet_rt.pcap');
    expect(missingFacts('profinet/profinet_rt.pcap', events, ['profinet_dcp.'])).toEqual({
      wanted: 11,
      missing: [],
    });
    expect(ops(events).every(([, , op, code]) => op === 'identify' && code === '5')).toBe(true);
    expect(anomalies(events).filter((e) => e.protocol === 'profinet_dcp')).toEqual([]);
  });

  it('profinet.pcap and profinet_io_cm_connect.pcapng (PNIO-CM over UDP, no DCP): nothing from this analyzer', async () => {
    for (const f of ['profinet/profinet.pcap', 'profinet/profinet_io_cm_connect.pcapng']) {
      const events = await analyzePublic(f);
      expect(events.filter((e) => 'protocol' in e && e.protocol === 'profinet_dcp')).toEqual([]);
      expect(missingFacts(f, events, ['profinet_dcp.']).missing).toEqual([]);
    }
  });
});
