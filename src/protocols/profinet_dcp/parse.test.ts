/** PROFINET DCP parser unit tests (IEC 61158-6-10 §4.3.1), block readers and descriptions, real frames, never-throws checks. */
import { describe, expect, it } from 'vitest';
import { describePublicCaptures } from '../testing/captures.js';
import { publicFrames } from '../testing/frames.js';
import { neverThrowsOnMutations, neverThrowsOnTruncations, wholeBuffer } from '../testing/parsers.js';
import { dcpBlock, dcpPdu } from './build.js';
import {
  ControlSub,
  DeviceRole,
  DeviceSub,
  ETHERTYPE_PROFINET,
  FrameId,
  IpSub,
  Option,
  ServiceId,
} from './consts.js';
import { deviceFacts, getTarget, identifyTarget, setOp } from './describe.js';
import { blockText, controlResponse, findBlock, frameClass, ipParams, parseDcp } from './parse.js';

const { parse, ok } = wholeBuffer(parseDcp);

const identifyRsp = (blocks: Buffer[]) =>
  dcpPdu(
    { frameId: FrameId.DCP_IDENTIFY_RSP, serviceId: ServiceId.IDENTIFY, serviceType: 1, xid: 7 },
    Buffer.concat(blocks),
  );

describe('profinet_dcp parse (IEC 61158-6-10 §4.3.1)', () => {
  it('reads a response: BlockInfo before values, odd blocks padded, Control/Response without BlockInfo', () => {
    const b = identifyRsp([
      dcpBlock.vendor('S7-1500'),
      dcpBlock.nameOfStation('plc-1', 0),
      dcpBlock.deviceId(0x002a, 0x010e),
      dcpBlock.role(DeviceRole.IO_CONTROLLER | DeviceRole.IO_DEVICE),
      dcpBlock.ip('10.0.0.5', '255.255.255.0', '10.0.0.1', 1),
      dcpBlock.response(Option.IP, IpSub.PARAMETER, 0),
    ]);
    const m = ok(Buffer.concat([b, Buffer.alloc(10)]));
    expect(m).toMatchObject({ frameId: 0xfeff, serviceId: 5, serviceType: 1, xid: 7 });
    expect(m.blocks.map((x) => [x.option, x.suboption, x.info, x.valueLen])).toEqual([
      [2, 1, 0, 7],
      [2, 2, 0, 5],
      [2, 3, 0, 4],
      [2, 4, 0, 2],
      [1, 2, 1, 12],
      [5, 4, -1, 3],
    ]);
    expect(blockText(b, findBlock(m, Option.DEVICE, DeviceSub.NAME_OF_STATION)!)).toBe('plc-1');
    expect(ipParams(b, findBlock(m, Option.IP, IpSub.PARAMETER)!)).toEqual({
      ip: '10.0.0.5',
      mask: '255.255.255.0',
      gateway: '10.0.0.1',
      prefix: 24,
    });
    expect(controlResponse(b, findBlock(m, Option.CONTROL, ControlSub.RESPONSE)!)).toEqual({
      option: 1,
      suboption: 2,
      error: 0,
    });
    expect(deviceFacts(b, m)).toEqual({
      'profinet_dcp.device_vendor': 'S7-1500',
      model: 'S7-1500',
      name: 'plc-1',
      'profinet_dcp.name_of_station': 'plc-1',
      'profinet_dcp.vendor_id': '0x002a',
      'profinet_dcp.device_id': '0x010e',
      vendor: 'Siemens',
      'profinet_dcp.device_role': 'IO-Device,IO-Controller',
      roleHint: 'plc',
      'profinet_dcp.ip': '10.0.0.5',
      'profinet_dcp.netmask': '255.255.255.0',
      'profinet_dcp.gateway': '10.0.0.1',
    });
  });

  it('reads requests: Identify filters bare, Set blocks with a qualifier, Get as option pairs', () => {
    const id = dcpPdu(
      {
        frameId: FrameId.DCP_IDENTIFY_REQ,
        serviceId: ServiceId.IDENTIFY,
        serviceType: 0,
        xid: 1,
        responseDelay: 0x80,
      },
      dcpBlock.nameOfStation('io-7'),
    );
    const m = ok(id);
    expect(m.responseDelay).toBe(0x80);
    expect(m.blocks).toEqual([{ option: 2, suboption: 2, info: -1, valueOff: 16, valueLen: 4 }]);
    expect(identifyTarget(id, m)).toBe('name-of-station "io-7"');
    expect(identifyTarget(id, ok(dcpPdu({ ...m, frameId: 0xfefe }, dcpBlock.all())))).toBe('all');

    const set = dcpPdu(
      { frameId: FrameId.DCP_GET_SET, serviceId: ServiceId.SET, serviceType: 0, xid: 2 },
      Buffer.concat([
        dcpBlock.control(ControlSub.START_TRANSACTION),
        dcpBlock.nameOfStation('io-8', 0),
        dcpBlock.ip('192.168.0.10', '255.255.255.0', '0.0.0.0', 1),
        dcpBlock.control(ControlSub.END_TRANSACTION),
      ]),
    );
    expect(setOp(set, ok(set))).toEqual({
      kind: 'write',
      target: 'name-of-station "io-8" (temporary), ip 192.168.0.10/24',
    });
    const reset = dcpPdu(
      { frameId: FrameId.DCP_GET_SET, serviceId: ServiceId.SET, serviceType: 0, xid: 3 },
      Buffer.concat([
        dcpBlock.control(ControlSub.RESET_TO_FACTORY, 0x0004),
        dcpBlock.control(ControlSub.SIGNAL, 0x0100),
      ]),
    );
    expect(setOp(reset, ok(reset))).toEqual({
      kind: 'control',
      target: 'reset-to-factory mode 0x0004, signal',
    });

    const get = dcpPdu(
      { frameId: FrameId.DCP_GET_SET, serviceId: ServiceId.GET, serviceType: 0, xid: 4 },
      Buffer.from([Option.IP, IpSub.PARAMETER, Option.DEVICE, DeviceSub.NAME_OF_STATION, 3, 61]),
    );
    expect(getTarget(ok(get))).toBe('ip, name-of-station, dhcp 61');
  });

  it('rejects what is not DCP or does not fit', () => {
    const good = identifyRsp([dcpBlock.nameOfStation('x', 0)]);
    expect(parse(good.subarray(0, 11))).toMatchObject({ ok: false, code: 'truncated' });
    const rt = Buffer.from(good);
    rt.writeUInt16BE(0x8000, 0);
    expect(parse(rt)).toMatchObject({ ok: false, code: 'bad_service' });
    const svc = Buffer.from(good);
    svc[2] = 9;
    expect(parse(svc)).toMatchObject({ ok: false, code: 'bad_service' });
    const long = Buffer.from(good);
    long.writeUInt16BE(200, 10);
    expect(parse(long)).toMatchObject({ ok: false, code: 'bad_length' });
    const blk = Buffer.from(good);
    blk.writeUInt16BE(40, 14);
    expect(parse(blk)).toMatchObject({ ok: false, code: 'bad_block' });
    const noInfo = identifyRsp([Buffer.from([2, 2, 0, 1, 0x41, 0])]);
    expect(parse(noInfo)).toMatchObject({ ok: false, code: 'bad_block' });
  });

  it('classifies RT frame ids', () => {
    expect([0xfefc, 0xfeff, 0xfc01, 0xfe01, 0x8000, 0xc123, 0x0020, 0xff40, 0xfd00].map(frameClass)).toEqual([
      'dcp',
      'dcp',
      'alarm',
      'alarm',
      'cyclic',
      'cyclic',
      'ptcp',
      'ptcp',
      'other',
    ]);
  });

  it('never throws on truncations and mutations', () => {
    const samples = [
      identifyRsp([
        dcpBlock.vendor('ET200SP'),
        dcpBlock.nameOfStation('io-1', 0),
        dcpBlock.deviceId(0x2a, 0x313),
        dcpBlock.ip('10.1.1.1', '255.0.0.0', '0.0.0.0', 1),
      ]),
      dcpPdu(
        { frameId: 0xfefd, serviceId: 4, serviceType: 0, xid: 9 },
        Buffer.concat([dcpBlock.ip('1.2.3.4', '255.255.0.0', '1.2.0.1', 1)]),
      ),
      dcpPdu({ frameId: 0xfefd, serviceId: 3, serviceType: 0, xid: 9 }, Buffer.from([1, 2, 2, 2])),
    ];
    neverThrowsOnTruncations(samples, parseDcp);
    const describeAll = (buf: Buffer, off: number, len: number) => {
      const r = parseDcp(buf, off, len);
      if (r.ok) {
        deviceFacts(buf, r.msg);
        identifyTarget(buf, r.msg);
        setOp(buf, r.msg);
        getTarget(r.msg);
      }
      return r;
    };
    neverThrowsOnMutations({
      samples,
      parsers: [parseDcp, describeAll],
      seed: 0xdc9,
      shape: (b) => {
        if (b.length >= 4) Buffer.from([0xfe, 0xff, 5, 1]).copy(b);
      },
    });
  });
});

describePublicCaptures('profinet_dcp parse', () => {
  it('change_ip_using_dcp.pcap: the Identify response and the Set of the IP (tshark frames 2, 3)', async () => {
    const frames = (await publicFrames('profinet/change_ip_using_dcp.pcap')).filter(
      (f) => f.ethertype === ETHERTYPE_PROFINET,
    );
    expect(frames.map((f) => f.frame)).toEqual([1, 2, 3, 4]);
    const rsp = frames[1]!.payload;
    const m = ok(rsp);
    expect(m.blocks.map((b) => `${b.option}/${b.suboption}`)).toEqual([
      '2/5',
      '2/1',
      '2/2',
      '2/3',
      '2/4',
      '1/2',
    ]);
    expect(deviceFacts(rsp, m)).toMatchObject({
      'profinet_dcp.name_of_station': 'X208-BORD',
      'profinet_dcp.device_vendor': 'INC',
      'profinet_dcp.vendor_id': '0x002a',
      'profinet_dcp.device_id': '0x0a01',
      'profinet_dcp.ip': '192.168.0.6',
      roleHint: 'io-device',
    });
    const set = frames[2]!.payload;
    expect(setOp(set, ok(set))).toEqual({ kind: 'write', target: 'ip 192.168.0.10/24 gw 192.168.0.1' });
    const done = frames[3]!.payload;
    expect(controlResponse(done, ok(done).blocks[0]!)).toEqual({ option: 1, suboption: 2, error: 0 });
  });
});
