/**
 * A Logix-like EtherNet/IP target for tests, on a free loopback port: RegisterSession,
 * UnRegisterSession, ListIdentity; over SendRRData (directly or inside an Unconnected Send) and
 * over SendUnitData on a connection it opened: Forward Open / Forward Close, Read Tag, Write Tag,
 * Multiple Service Packet and Identity Get_Attributes_All. Replies are built with the project's
 * EtherNet/IP builders; every CIP service that reached it is logged.
 */
import type { AddressInfo, Socket } from 'node:net';
import {
  cipResponse,
  encap,
  forwardOpenReply,
  identityAttributes,
  listIdentityReply,
  multiple,
  sendRRData,
  sendUnitData,
} from '../../protocols/enip/build.js';
import {
  parseCipRequest,
  parseForwardClose,
  parseForwardOpen,
  parseMultiple,
  parseUnconnectedSend,
} from '../../protocols/enip/cip.js';
import { Class, Command, GeneralStatus, HEADER_LEN, Item, Service } from '../../protocols/enip/consts.js';
import { locateSendData, measureEncap, type SendDataSpan } from '../../protocols/enip/parse.js';
import { StreamFramer } from '../../protocols/framer.js';
import { trackedServer } from './asset-server.js';

/** CIP data types (1756-PM020): DINT and INT, the two the simulator's tags use. */
export const DINT = 0xc4;
export const INT = 0xc3;

export const SIMULATED_IDENTITY = {
  vendor: 1,
  deviceType: 14,
  productCode: 54,
  major: 20,
  minor: 11,
  status: 0x3060,
  serial: 0x0051823f,
  productName: '1756-L61/B LOGIX5561',
};

/** General status codes the simulator answers with (Vol 1 Appendix B). */
const PATH_DESTINATION_UNKNOWN = 0x05;
const SERVICE_NOT_SUPPORTED = 0x08;
const NOT_ENOUGH_DATA = 0x13;

export interface SimulatedTag {
  type: number;
  /** The value's bytes, little-endian. */
  data: Buffer;
}

export interface EnipSimulator {
  port: number;
  tags: Map<string, SimulatedTag>;
  /** Every CIP service that reached the target, with its tag when it named one ("0x4c Speed"). */
  requests: string[];
  /** Encapsulation commands received, in order. */
  commands: number[];
  writes: number;
  close(): Promise<void>;
}

function dint(v: number): SimulatedTag {
  const data = Buffer.alloc(4);
  data.writeInt32LE(v, 0);
  return { type: DINT, data };
}

export async function enipSimulator(): Promise<EnipSimulator> {
  const sim: Omit<EnipSimulator, 'port' | 'close'> = {
    tags: new Map([
      ['Speed', dint(1500)],
      ['Setpoint', dint(1200)],
      ['Level', { type: INT, data: Buffer.from([42, 0]) }],
    ]),
    requests: [],
    commands: [],
    writes: 0,
  };
  const { server, close } = trackedServer((s) => serve(sim, s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(sim, { port: (server.address() as AddressInfo).port, close });
}

function serve(sim: Omit<EnipSimulator, 'port' | 'close'>, s: Socket): void {
  const session = 0x1000 + Math.floor(Math.random() * 0xffff);
  /** Connections this target opened: O->T id (its own) → T->O id (the originator's). */
  const connections = new Map<number, number>();
  let nextId = 0x7c0b0000;
  const span: SendDataSpan = { dataOff: -1, dataLen: 0, addrOff: -1, addrLen: 0 };

  const cip = (buf: Buffer, off: number, len: number): Buffer => {
    const r = parseCipRequest(buf, off, len);
    if (!r.ok) return cipResponse(buf[off]! & 0x7f, NOT_ENOUGH_DATA);
    const { service, path, dataOff, dataLen } = r.msg;
    sim.requests.push(
      path.symbol === undefined ? `0x${service.toString(16)}` : `0x${service.toString(16)} ${path.symbol}`,
    );
    if (path.cls === Class.CONNECTION_MANAGER) {
      if (service === Service.UNCONNECTED_SEND) {
        // The target answers the message an Unconnected Send carries (Vol 1 §3-5.5.2).
        const u = parseUnconnectedSend(buf, dataOff, dataLen);
        return u.ok ? cip(buf, u.msg.msgOff, u.msg.msgLen) : cipResponse(service, NOT_ENOUGH_DATA);
      }
      if (service === Service.FORWARD_OPEN) {
        const fo = parseForwardOpen(buf, dataOff, dataLen, false);
        if (!fo.ok) return cipResponse(service, NOT_ENOUGH_DATA);
        const otId = nextId++;
        connections.set(otId, fo.msg.toId);
        return forwardOpenReply({ ...fo.msg, otId });
      }
      if (service === Service.FORWARD_CLOSE) {
        const fc = parseForwardClose(buf, dataOff, dataLen);
        if (!fc.ok) return cipResponse(service, NOT_ENOUGH_DATA);
        const d = Buffer.alloc(10);
        d.writeUInt16LE(fc.msg.serial, 0);
        d.writeUInt16LE(fc.msg.vendor, 2);
        d.writeUInt32LE(fc.msg.origSerial, 4);
        return cipResponse(service, 0, d);
      }
      return cipResponse(service, SERVICE_NOT_SUPPORTED);
    }
    if (service === Service.MULTIPLE_SERVICE_PACKET) {
      const m = parseMultiple(buf, dataOff, dataLen);
      if (!m.ok) return cipResponse(service, NOT_ENOUGH_DATA);
      const replies: Buffer[] = [];
      for (let i = 0; i < m.msg.length; i += 2) replies.push(cip(buf, m.msg[i]!, m.msg[i + 1]!));
      const failed = replies.some((b) => b[2] !== 0);
      return cipResponse(service, failed ? GeneralStatus.EMBEDDED_SERVICE_ERROR : 0, multiple(replies));
    }
    if (service === Service.GET_ATTRIBUTES_ALL && path.cls === Class.IDENTITY)
      return cipResponse(service, 0, identityAttributes(SIMULATED_IDENTITY));
    const tag = path.symbol === undefined ? undefined : sim.tags.get(path.symbol);
    if (service === Service.READ_TAG) {
      if (tag === undefined) return cipResponse(service, PATH_DESTINATION_UNKNOWN);
      const type = Buffer.alloc(2);
      type.writeUInt16LE(tag.type, 0);
      return cipResponse(service, 0, Buffer.concat([type, tag.data]));
    }
    if (service === Service.WRITE_TAG) {
      if (tag === undefined) return cipResponse(service, PATH_DESTINATION_UNKNOWN);
      if (dataLen < 4 + tag.data.length) return cipResponse(service, NOT_ENOUGH_DATA);
      sim.writes++;
      tag.data = Buffer.from(buf.subarray(dataOff + 4, dataOff + 4 + tag.data.length));
      return cipResponse(service, 0);
    }
    return cipResponse(service, SERVICE_NOT_SUPPORTED);
  };

  const message = (buf: Buffer, off: number, len: number): void => {
    const command = buf.readUInt16LE(off);
    sim.commands.push(command);
    const context = buf.readBigUInt64LE(off + 12);
    switch (command) {
      case Command.REGISTER_SESSION:
        s.write(encap(command, Buffer.from(buf.subarray(off + HEADER_LEN, off + len)), { session, context }));
        return;
      case Command.UNREGISTER_SESSION:
        s.end();
        return;
      case Command.LIST_IDENTITY:
        s.write(listIdentityReply(SIMULATED_IDENTITY, '127.0.0.1', 44818, { context }));
        return;
      case Command.SEND_RR_DATA: {
        if (locateSendData(buf, off + HEADER_LEN, len - HEADER_LEN, Item.UNCONNECTED_DATA, span) !== '')
          return;
        s.write(sendRRData(cip(buf, span.dataOff, span.dataLen), { session, context }, 0));
        return;
      }
      case Command.SEND_UNIT_DATA: {
        if (locateSendData(buf, off + HEADER_LEN, len - HEADER_LEN, Item.CONNECTED_DATA, span) !== '') return;
        const toId = connections.get(buf.readUInt32LE(span.addrOff));
        // Data on a connection this target did not open is dropped, as the spec has it.
        if (toId === undefined) return;
        const sequence = buf.readUInt16LE(span.dataOff);
        s.write(sendUnitData(toId, sequence, cip(buf, span.dataOff + 2, span.dataLen - 2), { session }));
        return;
      }
      default:
        // NOP and the rest: nothing to answer.
        return;
    }
  };
  const framer = new StreamFramer(measureEncap, message, () => s.destroy(), 65_535);
  s.on('data', (c: Buffer) => framer.push(c, 0, c.length));
}
