/**
 * PROFINET DCP parser (EtherType 0x8892, FrameID 0xfefc–0xfeff) and the RT frame-id classes.
 *
 * Spec: IEC 61158-6-10:2014 §4.3.1 (DCP PDU: FrameID, ServiceID, ServiceType, Xid,
 * ResponseDelay / reserved, DCPDataLength; blocks: Option, Suboption, DCPBlockLength, then
 * BlockInfo in responses and Hello, BlockQualifier in Set requests, nothing in Identify
 * filters; Get requests list bare Option/Suboption pairs; blocks padded to an even length),
 * §4.3.1.4 (block values).
 *
 * Pure: bytes in, a message or an error value out; never throws; at most MAX_BLOCKS blocks.
 * Block values stay spans; the value readers below decode the ones the analyzer uses. Not
 * parsed: DHCP option values, RSI properties, NME domain, the RT frames' payloads (cyclic
 * data, alarms, PTCP are only classified).
 */
import {
  ControlSub,
  DCP_HEADER_LEN,
  DcpError,
  type DcpErrorCode,
  FrameId,
  MAX_BLOCKS,
  MAX_TEXT,
  Option,
  PTCP_HIGH_FIRST,
  PTCP_LOW_LAST,
  RT_CYCLIC_FIRST,
  RT_CYCLIC_LAST,
  ServiceId,
} from './consts.js';

export interface DcpBlock {
  option: number;
  suboption: number;
  /** BlockInfo (responses, Hello) or BlockQualifier (Set requests); -1 when the block has none. */
  info: number;
  /** The value after BlockInfo / BlockQualifier. */
  valueOff: number;
  valueLen: number;
}

export interface DcpMessage {
  frameId: number;
  serviceId: number;
  serviceType: number;
  xid: number;
  /** ResponseDelay of an Identify request; the reserved field otherwise. */
  responseDelay: number;
  blocks: DcpBlock[];
}

export type DcpParse = { ok: true; msg: DcpMessage } | { ok: false; code: DcpErrorCode; detail: string };

function fail(code: DcpErrorCode, detail: string): DcpParse {
  return { ok: false, code, detail };
}

export type FrameClass = 'dcp' | 'cyclic' | 'alarm' | 'ptcp' | 'other';

/** What an RT frame with this FrameID carries (IEC 61158-6-10 FrameID table). */
export function frameClass(frameId: number): FrameClass {
  if (frameId >= FrameId.DCP_HELLO && frameId <= FrameId.DCP_IDENTIFY_RSP) return 'dcp';
  if (frameId === FrameId.ALARM_HIGH || frameId === FrameId.ALARM_LOW) return 'alarm';
  if (frameId <= PTCP_LOW_LAST || frameId >= PTCP_HIGH_FIRST) return 'ptcp';
  if (frameId >= RT_CYCLIC_FIRST && frameId <= RT_CYCLIC_LAST) return 'cyclic';
  return 'other';
}

export const isResponse = (m: DcpMessage): boolean => (m.serviceType & 1) === 1;

/** Parse a DCP PDU starting at the FrameID (Ethernet padding after DCPDataLength is ignored). */
export function parseDcp(buf: Buffer, off: number, len: number): DcpParse {
  const end = Math.min(off + len, buf.length);
  if (end - off < DCP_HEADER_LEN) return fail(DcpError.TRUNCATED, `${end - off} bytes`);
  const frameId = buf.readUInt16BE(off);
  if (frameClass(frameId) !== 'dcp') return fail(DcpError.BAD_SERVICE, `FrameID 0x${frameId.toString(16)}`);
  const serviceId = buf[off + 2]!;
  const serviceType = buf[off + 3]!;
  if (serviceId < ServiceId.GET || serviceId > ServiceId.HELLO)
    return fail(DcpError.BAD_SERVICE, `ServiceID ${serviceId}`);
  const dataLen = buf.readUInt16BE(off + 10);
  const dataEnd = off + DCP_HEADER_LEN + dataLen;
  if (dataEnd > end)
    return fail(DcpError.BAD_LENGTH, `DCPDataLength ${dataLen} for ${end - off - DCP_HEADER_LEN} bytes`);
  const msg: DcpMessage = {
    frameId,
    serviceId,
    serviceType,
    xid: buf.readUInt32BE(off + 4),
    responseDelay: buf.readUInt16BE(off + 8),
    blocks: [],
  };
  const response = (serviceType & 1) === 1;
  let p = off + DCP_HEADER_LEN;
  if (serviceId === ServiceId.GET && !response) {
    // Get.req: Option/Suboption pairs only.
    while (p + 2 <= dataEnd && msg.blocks.length < MAX_BLOCKS) {
      msg.blocks.push({ option: buf[p]!, suboption: buf[p + 1]!, info: -1, valueOff: p + 2, valueLen: 0 });
      p += 2;
    }
    return { ok: true, msg };
  }
  const withInfo = response || serviceId === ServiceId.HELLO;
  const withQualifier = !response && serviceId === ServiceId.SET;
  while (p < dataEnd && msg.blocks.length < MAX_BLOCKS) {
    if (p + 4 > dataEnd) return fail(DcpError.TRUNCATED, `block header at +${p - off}`);
    const option = buf[p]!;
    const suboption = buf[p + 1]!;
    const blen = buf.readUInt16BE(p + 2);
    const v = p + 4;
    if (v + blen > dataEnd)
      return fail(DcpError.BAD_BLOCK, `block ${option}/${suboption} of ${blen} bytes runs past the data`);
    // A Control/Response block carries its own status, not a BlockInfo.
    const hasInfo =
      withQualifier || (withInfo && !(option === Option.CONTROL && suboption === ControlSub.RESPONSE));
    if (hasInfo && blen < 2) return fail(DcpError.BAD_BLOCK, `block ${option}/${suboption} of ${blen} bytes`);
    msg.blocks.push({
      option,
      suboption,
      info: hasInfo ? buf.readUInt16BE(v) : -1,
      valueOff: hasInfo ? v + 2 : v,
      valueLen: hasInfo ? blen - 2 : blen,
    });
    p = v + blen + (blen & 1);
  }
  return { ok: true, msg };
}

/** The block with this option/suboption, or undefined. */
export function findBlock(m: DcpMessage, option: number, suboption: number): DcpBlock | undefined {
  return m.blocks.find((b) => b.option === option && b.suboption === suboption);
}

/** A text value (NameOfStation, alias, DeviceVendorValue), trailing NULs dropped. */
export function blockText(buf: Buffer, b: DcpBlock): string {
  let e = b.valueOff + Math.min(b.valueLen, MAX_TEXT);
  while (e > b.valueOff && buf[e - 1] === 0) e--;
  return buf.toString('latin1', b.valueOff, e);
}

export interface IpParams {
  ip: string;
  mask: string;
  gateway: string;
  /** Prefix length of the mask, -1 when it is not contiguous. */
  prefix: number;
}

const dotted = (buf: Buffer, o: number): string => `${buf[o]}.${buf[o + 1]}.${buf[o + 2]}.${buf[o + 3]}`;

/** IP parameter / full IP suite value (§4.3.1.4.7): address, mask, gateway. */
export function ipParams(buf: Buffer, b: DcpBlock): IpParams | undefined {
  if (b.valueLen < 12) return undefined;
  const o = b.valueOff;
  const m = buf.readUInt32BE(o + 4);
  let prefix = 0;
  while (prefix < 32 && m & (0x80000000 >>> prefix)) prefix++;
  if (prefix < 32 && (m << prefix) >>> 0 !== 0) prefix = -1;
  return { ip: dotted(buf, o), mask: dotted(buf, o + 4), gateway: dotted(buf, o + 8), prefix };
}

/** Device ID value (§4.3.1.4.9): VendorID, DeviceID. */
export function deviceId(buf: Buffer, b: DcpBlock): { vendorId: number; deviceId: number } | undefined {
  if (b.valueLen < 4) return undefined;
  return { vendorId: buf.readUInt16BE(b.valueOff), deviceId: buf.readUInt16BE(b.valueOff + 2) };
}

/** First byte of the value (DeviceRoleDetails), -1 when empty. */
export function firstByte(buf: Buffer, b: DcpBlock): number {
  return b.valueLen >= 1 ? buf[b.valueOff]! : -1;
}

/** Control/Response value (§4.3.1.4.6): the option/suboption answered and its BlockError. */
export function controlResponse(
  buf: Buffer,
  b: DcpBlock,
): { option: number; suboption: number; error: number } | undefined {
  if (b.valueLen < 3) return undefined;
  return { option: buf[b.valueOff]!, suboption: buf[b.valueOff + 1]!, error: buf[b.valueOff + 2]! };
}
