/**
 * EtherNet/IP conversations of the sample plant with a CompactLogix (CIP Networks Library
 * Vol 2 §2-4, Vol 1 §3-5.5; Logix tag services per 1756-PM020): an engineering tool's
 * ListIdentity over UDP answered by the controller, and an HMI that registers a session, opens
 * a class-3 connection to the controller in backplane slot 0 (Forward Open over SendRRData) and
 * reads tags over it every cycle (SendUnitData, a Multiple Service Packet of Read Tag
 * requests), writing one set-point when the operator changes it.
 */
import {
  cipResponse,
  forwardOpen,
  forwardOpenReply,
  type IdentityValues,
  listIdentityReply,
  listIdentityRequest,
  logical,
  multiple,
  multipleRequest,
  portSegment,
  readTag,
  registerSession,
  sendRRData,
  sendUnitData,
  writeTag,
} from '../protocols/enip/build.js';
import { Class, Service } from '../protocols/enip/consts.js';
import { type Host, udpFrame } from './frames.js';
import { cycles, type Poll } from './modbus-traffic.js';
import type { CipDevice, Identity } from './plant-model.js';
import { tcpConversation } from './tcp-session.js';
import type { Timeline } from './timeline.js';

const ENIP_PORT = 44818;
/** CIP data types of the tag values (1756-PM020): DINT and REAL. */
const DINT = 0xc4;
const REAL = 0xca;

/** The Identity object's values for a device: revision from "major.minor", serial from its hex. */
export function identityValues(dev: CipDevice, id: Identity): IdentityValues {
  const [major = 0, minor = 0] = (id.firmware ?? '0.0').split('.').map(Number);
  return {
    vendor: dev.vendorId,
    deviceType: dev.deviceType,
    productCode: dev.productCode,
    major,
    minor,
    // Owned, configured, no faults (Vol 1 §5A-2.2, attribute 5).
    status: 0x3060,
    serial: Number.parseInt(id.serial ?? '0', 16),
    productName: id.model ?? '',
    state: 3,
  };
}

/** A unicast ListIdentity and the device's reply (its socket address its own). */
export function enipListIdentity(
  t: Timeline,
  client: Host,
  device: Host,
  dev: CipDevice,
  id: Identity,
  at: { us: number; cport: number },
): void {
  const context = 0x4c49_0000 + (at.cport & 0xffff);
  t.at(
    at.us,
    [
      udpFrame(client, device, at.cport, ENIP_PORT, listIdentityRequest({ context })),
      udpFrame(
        device,
        client,
        ENIP_PORT,
        at.cport,
        listIdentityReply(identityValues(dev, id), device.ip, ENIP_PORT, { context }),
      ),
    ],
    1_200,
  );
}

/** Tags an HMI screen shows, with their type and the value they hold in cycle `k`. */
const TAGS: readonly { tag: string; type: number; value: (k: number) => Buffer }[] = [
  { tag: 'Line2_Speed', type: REAL, value: (k) => real(42.5 + (k % 5) * 0.25) },
  { tag: 'Line2_Count', type: DINT, value: (k) => dint(15_000 + k * 4) },
  { tag: 'CasePacker.State', type: DINT, value: (k) => dint(k % 20 === 19 ? 3 : 2) },
];

/** An HMI's session with a Logix controller: connect, then a tag read every cycle. */
export function enipPoll(
  t: Timeline,
  hmi: Host,
  plc: Host,
  p: Poll & { session: number; hmiSerial: number },
): void {
  const s = tcpConversation(hmi, plc, p.cport, ENIP_PORT).open();
  const session = p.session;
  s.send(registerSession()).reply(registerSession({ session }));
  const conn = {
    otId: 0x8a5c_0001 + (p.session & 0xff00),
    toId: 0x0042_0001 + (p.cport & 0xffff),
    serial: p.cport & 0xffff,
    vendor: 1,
    origSerial: p.hmiSerial,
  };
  // The controller in backplane port 1, slot 0: its Message Router.
  const path = Buffer.concat([portSegment(1, 0), logical({ cls: Class.MESSAGE_ROUTER, inst: 1 })]);
  s.send(sendRRData(forwardOpen({ ...conn, otId: 0 }, path), { session, context: 1 }));
  s.reply(sendRRData(forwardOpenReply(conn), { session, context: 1 }));
  t.at(p.startUs, s.frames.slice());
  let seq = 1;
  const exchange = (request: Buffer, reply: Buffer) => {
    s.send(sendUnitData(conn.otId, seq, request, { session }));
    s.reply(sendUnitData(conn.toId, seq, reply, { session }));
    seq = (seq + 1) & 0xffff;
  };
  for (const { k, us } of cycles(p)) {
    const from = s.frames.length;
    exchange(
      multipleRequest(TAGS.map((x) => readTag(x.tag))),
      cipResponse(
        Service.MULTIPLE_SERVICE_PACKET,
        0,
        multiple(TAGS.map((x) => cipResponse(Service.READ_TAG, 0, Buffer.concat([u16(x.type), x.value(k)])))),
      ),
    );
    if (k === p.writeAtCycle) {
      exchange(writeTag('Line2_Speed_SP', REAL, real(45)), cipResponse(Service.WRITE_TAG));
    }
    t.at(us, s.frames.slice(from), 400);
  }
}

function u16(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(v, 0);
  return b;
}

function dint(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32LE(v, 0);
  return b;
}

function real(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeFloatLE(v, 0);
  return b;
}
