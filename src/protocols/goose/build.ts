/**
 * GOOSE frame and R-GOOSE datagram builders (IEC 61850-8-1 Annex A, §C.2; IEC TR 61850-90-5
 * §11.3) for the project's own traces: golden tests and the plant simulator. Not on the
 * capture path.
 */
import { type EthOptions, ethernet } from '../../sim/frames.js';
import {
  CLTP_LI,
  CLTP_UD,
  COMMON_HEADER_ID,
  ETHERTYPE_GOOSE,
  PayloadTag,
  PduTag,
  SessionId,
  TAG_GOOSE_PDU,
} from './consts.js';

/** IEC 61850-8-1 Annex C: GOOSE destination multicast range starts at 01:0c:cd:01:00:00. */
export const GOOSE_MULTICAST = '01:0c:cd:01:00:01';

export function berTlv(tag: number, value: Buffer): Buffer {
  const n = value.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...len]), value]);
}

/** A non-negative INTEGER in the fewest bytes (a leading 0 when the top bit is set). */
export function berUint(tag: number, v: number): Buffer {
  const bytes: number[] = [];
  let x = v;
  do {
    bytes.unshift(x % 256);
    x = Math.floor(x / 256);
  } while (x > 0);
  if (bytes[0]! & 0x80) bytes.unshift(0);
  return berTlv(tag, Buffer.from(bytes));
}

export interface GooseFields {
  gocbRef: string;
  datSet: string;
  goId?: string;
  timeAllowedToLive?: number;
  /** Seconds since 1970. */
  t?: number;
  stNum: number;
  sqNum: number;
  simulation?: boolean;
  confRev?: number;
  ndsCom?: boolean;
  /** Defaults to the number of `booleans`. */
  numDatSetEntries?: number;
  /** allData members, encoded as Data booleans ([3]). */
  booleans?: boolean[];
}

export function goosePdu(f: GooseFields): Buffer {
  const t = Buffer.alloc(8);
  const secs = Math.floor(f.t ?? 1_700_000_000);
  t.writeUInt32BE(secs, 0);
  t[7] = 0x0a; // quality: 10 bits of time accuracy
  const data = (f.booleans ?? [true, false]).map((b) => berTlv(0x83, Buffer.from([b ? 1 : 0])));
  const fields = [
    berTlv(PduTag.GOCB_REF, Buffer.from(f.gocbRef, 'latin1')),
    berUint(PduTag.TIME_ALLOWED_TO_LIVE, f.timeAllowedToLive ?? 2000),
    berTlv(PduTag.DAT_SET, Buffer.from(f.datSet, 'latin1')),
    ...(f.goId !== undefined ? [berTlv(PduTag.GO_ID, Buffer.from(f.goId, 'latin1'))] : []),
    berTlv(PduTag.T, t),
    berUint(PduTag.ST_NUM, f.stNum),
    berUint(PduTag.SQ_NUM, f.sqNum),
    berTlv(PduTag.SIMULATION, Buffer.from([f.simulation ? 0xff : 0])),
    berUint(PduTag.CONF_REV, f.confRev ?? 1),
    berTlv(PduTag.NDS_COM, Buffer.from([f.ndsCom ? 0xff : 0])),
    berUint(PduTag.NUM_DAT_SET_ENTRIES, f.numDatSetEntries ?? data.length),
    berTlv(PduTag.ALL_DATA, Buffer.concat(data)),
  ];
  return berTlv(TAG_GOOSE_PDU, Buffer.concat(fields));
}

/** The Ethernet payload: APPID, Length, Reserved 1 (simulate bit), Reserved 2, APDU. */
export function gooseApdu(appid: number, pdu: Buffer, simulate = false): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16BE(appid, 0);
  h.writeUInt16BE(8 + pdu.length, 2);
  h.writeUInt16BE(simulate ? 0x8000 : 0, 4);
  return Buffer.concat([h, pdu]);
}

export function gooseFrame(
  src: string,
  appid: number,
  f: GooseFields,
  o: { dst?: string; simulate?: boolean } & EthOptions = {},
): Buffer {
  return ethernet(
    src,
    o.dst ?? GOOSE_MULTICAST,
    ETHERTYPE_GOOSE,
    gooseApdu(appid, goosePdu(f), o.simulate),
    o,
  );
}

/** An unsecured R-GOOSE UDP payload (no key, no IV, no signature) carrying one goosePdu. */
export function rGoose(spduNumber: number, appid: number, pdu: Buffer, simulation = false): Buffer {
  const payload = Buffer.alloc(6);
  payload[0] = PayloadTag.GOOSE;
  payload[1] = simulation ? 1 : 0;
  payload.writeUInt16BE(appid, 2);
  payload.writeUInt16BE(pdu.length, 4);
  const user = Buffer.alloc(4);
  user.writeUInt32BE(payload.length + pdu.length, 0);
  const head = Buffer.alloc(27);
  head[0] = CLTP_LI;
  head[1] = CLTP_UD;
  head[2] = SessionId.GOOSE;
  head[3] = 23;
  head[4] = COMMON_HEADER_ID;
  head[5] = 21;
  const spduLen = 27 - 10 + user.length + payload.length + pdu.length;
  head.writeUInt32BE(spduLen, 6);
  head.writeUInt32BE(spduNumber, 10);
  head.writeUInt16BE(2, 14);
  return Buffer.concat([head, user, payload, pdu]);
}
