/**
 * PROFINET DCP frame builders (IEC 61158-6-10:2014 §4.3.1) for the project's own traces:
 * golden tests and the plant simulator. Not on the capture path.
 */
import { type EthOptions, ethernet, ipv4 } from '../../sim/frames.js';
import { ControlSub, DeviceSub, ETHERTYPE_PROFINET, FrameId, IpSub, Option, ServiceId } from './consts.js';

/** Identify multicast (IEC 61158-6-10: 01:0e:cf:00:00:00); Hello goes to ...:01. */
export const DCP_IDENTIFY_MULTICAST = '01:0e:cf:00:00:00';
export const DCP_HELLO_MULTICAST = '01:0e:cf:00:00:01';

/** A block: option, suboption, length, [BlockInfo / BlockQualifier], value, even padding. */
export function block(option: number, suboption: number, value: Buffer, info?: number): Buffer {
  const head = Buffer.alloc(info === undefined ? 4 : 6);
  const len = value.length + (info === undefined ? 0 : 2);
  head[0] = option;
  head[1] = suboption;
  head.writeUInt16BE(len, 2);
  if (info !== undefined) head.writeUInt16BE(info, 4);
  return Buffer.concat([head, value, Buffer.alloc(len & 1)]);
}

const text = (s: string) => Buffer.from(s, 'latin1');
const u16s = (...v: number[]) => Buffer.from(v.flatMap((x) => [x >> 8, x & 0xff]));

export const dcpBlock = {
  all: () => block(Option.ALL, 0xff, Buffer.alloc(0)),
  nameOfStation: (name: string, info?: number) =>
    block(Option.DEVICE, DeviceSub.NAME_OF_STATION, text(name), info),
  vendor: (v: string, info = 0) => block(Option.DEVICE, DeviceSub.VENDOR, text(v), info),
  deviceId: (vendorId: number, deviceId: number, info = 0) =>
    block(Option.DEVICE, DeviceSub.DEVICE_ID, u16s(vendorId, deviceId), info),
  role: (role: number, info = 0) => block(Option.DEVICE, DeviceSub.DEVICE_ROLE, Buffer.from([role, 0]), info),
  alias: (a: string, info = 0) => block(Option.DEVICE, DeviceSub.ALIAS_NAME, text(a), info),
  instance: (high: number, low: number, info = 0) =>
    block(Option.DEVICE, DeviceSub.DEVICE_INSTANCE, Buffer.from([high, low]), info),
  ip: (ip: string, mask: string, gw: string, info?: number) =>
    block(Option.IP, IpSub.PARAMETER, Buffer.concat([ipv4(ip), ipv4(mask), ipv4(gw)]), info),
  control: (sub: number, qualifier = 0) => block(Option.CONTROL, sub, Buffer.alloc(0), qualifier),
  /** Control/Response in a Set/Get response: the option answered and its BlockError. */
  response: (option: number, suboption: number, error: number) =>
    block(Option.CONTROL, ControlSub.RESPONSE, Buffer.from([option, suboption, error])),
};

export interface DcpHeader {
  frameId: number;
  serviceId: number;
  serviceType: number;
  xid: number;
  responseDelay?: number;
}

export function dcpPdu(h: DcpHeader, data: Buffer): Buffer {
  const head = Buffer.alloc(12);
  head.writeUInt16BE(h.frameId, 0);
  head[2] = h.serviceId;
  head[3] = h.serviceType;
  head.writeUInt32BE(h.xid >>> 0, 4);
  head.writeUInt16BE(h.responseDelay ?? 0, 8);
  head.writeUInt16BE(data.length, 10);
  return Buffer.concat([head, data]);
}

export function dcpFrame(
  src: string,
  dst: string,
  h: DcpHeader,
  blocks: Buffer[],
  eth: EthOptions = {},
): Buffer {
  return ethernet(src, dst, ETHERTYPE_PROFINET, dcpPdu(h, Buffer.concat(blocks)), eth);
}

export const dcp = {
  identifyRequest: (src: string, xid: number, filters: Buffer[], dst = DCP_IDENTIFY_MULTICAST) =>
    dcpFrame(
      src,
      dst,
      {
        frameId: FrameId.DCP_IDENTIFY_REQ,
        serviceId: ServiceId.IDENTIFY,
        serviceType: 0,
        xid,
        responseDelay: 1,
      },
      filters,
    ),
  identifyResponse: (src: string, dst: string, xid: number, blocks: Buffer[]) =>
    dcpFrame(
      src,
      dst,
      { frameId: FrameId.DCP_IDENTIFY_RSP, serviceId: ServiceId.IDENTIFY, serviceType: 1, xid },
      blocks,
    ),
  setRequest: (src: string, dst: string, xid: number, blocks: Buffer[]) =>
    dcpFrame(
      src,
      dst,
      { frameId: FrameId.DCP_GET_SET, serviceId: ServiceId.SET, serviceType: 0, xid },
      blocks,
    ),
  setResponse: (src: string, dst: string, xid: number, blocks: Buffer[], serviceType = 1) =>
    dcpFrame(src, dst, { frameId: FrameId.DCP_GET_SET, serviceId: ServiceId.SET, serviceType, xid }, blocks),
  getRequest: (src: string, dst: string, xid: number, pairs: [number, number][]) =>
    dcpFrame(src, dst, { frameId: FrameId.DCP_GET_SET, serviceId: ServiceId.GET, serviceType: 0, xid }, [
      Buffer.from(pairs.flat()),
    ]),
  getResponse: (src: string, dst: string, xid: number, blocks: Buffer[]) =>
    dcpFrame(
      src,
      dst,
      { frameId: FrameId.DCP_GET_SET, serviceId: ServiceId.GET, serviceType: 1, xid },
      blocks,
    ),
  hello: (src: string, xid: number, blocks: Buffer[]) =>
    dcpFrame(
      src,
      DCP_HELLO_MULTICAST,
      { frameId: FrameId.DCP_HELLO, serviceId: ServiceId.HELLO, serviceType: 0, xid },
      blocks,
    ),
};

/** An RT frame: FrameID, payload, then (for cyclic data) cycle counter, data and transfer status. */
export function rtFrame(
  src: string,
  dst: string,
  frameId: number,
  payload: Buffer,
  eth: EthOptions = {},
): Buffer {
  const id = Buffer.alloc(2);
  id.writeUInt16BE(frameId, 0);
  return ethernet(src, dst, ETHERTYPE_PROFINET, Buffer.concat([id, payload]), eth);
}
