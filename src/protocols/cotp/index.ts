/**
 * ISO transport on TCP port 102 (RFC 1006 TPKT + ITU-T X.224 / ISO 8073 COTP): one analyzer
 * that frames TPKTs, follows connection setup (CR/CC TSAPs), reassembles DT fragments into
 * TSDUs (EOT bit, capped at MAX_TSDU) and hands each TSDU to the protocol it starts with:
 * 0x32 S7comm, 0x72 S7comm-plus, an ISO 8327 session SPDU (CONNECT, ACCEPT, GIVE TOKENS +
 * DATA, FINISH…) the OSI upper layers with MMS. The flow's app is named after the first
 * protocol recognised (`s7comm`, `s7comm-plus`, `mms`); a flow with nothing recognisable
 * stays `cotp`.
 *
 * Anomalies: `cotp.bad_tpkt` (a direction that was in sync lost its TPKT framing),
 * `cotp.bad_li` / `cotp.truncated` / `cotp.unknown_tpdu` (malformed TPDU), `cotp.error_tpdu`
 * (an ER TPDU), `cotp.tsdu_too_large`, `cotp.unknown_payload` (a TSDU of no known protocol).
 * Not handled: classes 2–4 flow control and checksums, expedited data ordering, TPKT
 * version 1/2 (never seen on 102).
 */
import type {
  AnalyzerContext,
  AnalyzerDescriptor,
  AnalyzerInstance,
  Direction,
  ProbeResult,
} from '../analyzer.js';
import { FlowEmitter } from '../emit.js';
import { StreamFramer } from '../framer.js';
import { createMms } from '../mms/session.js';
import { createS7comm } from '../s7comm/session.js';
import { createS7commPlus } from '../s7comm-plus/session.js';
import { MAX_TSDU, Payload, PORT_ISO_TSAP, SESSION_FIRST, TPKT_MAX, TPKT_VERSION, Tpdu } from './consts.js';
import { measureTpkt, parseTpkt } from './parse.js';
import type { IsoConnection, IsoUser, IsoUserFactory } from './user.js';

export const cotp: AnalyzerDescriptor = {
  name: 'cotp',
  transport: 'tcp',
  ports: [PORT_ISO_TSAP],
  probe: probeIsoTransport,
  create: (ctx) => new IsoTransport(ctx),
};

const S7COMM = 0;
const S7COMM_PLUS = 1;
const MMS = 2;
const USERS: readonly { name: string; create: IsoUserFactory }[] = [
  { name: 's7comm', create: createS7comm },
  { name: 's7comm-plus', create: createS7commPlus },
  { name: 'mms', create: createMms },
];

/**
 * Strict: a TPKT whose TPDU is a CR naming both TSAPs (RDP's X.224 requests name none), or a
 * class-0 DT starting with S7comm, S7comm-plus or a session SPDU.
 */
export function probeIsoTransport(buf: Buffer, off: number, len: number): ProbeResult {
  if (len >= 1 && buf[off] !== TPKT_VERSION) return 'no';
  if (len >= 2 && buf[off + 1] !== 0) return 'no';
  if (len < 8) return 'more';
  const tlen = buf.readUInt16BE(off + 2);
  const code = buf[off + 5]! & 0xf0;
  if (code === Tpdu.DT) {
    if (buf[off + 4] !== 2 || tlen < 8) return 'no';
    const first = buf[off + 7]!;
    return first === Payload.S7COMM || first === Payload.S7COMM_PLUS || SESSION_FIRST.has(first)
      ? 'yes'
      : 'no';
  }
  if (code !== Tpdu.CR) return 'no';
  if (len < tlen) return 'more';
  const r = parseTpkt(buf, off, tlen);
  return r.ok && r.tpdu.type === 'CR' && r.tpdu.callingTsap !== undefined && r.tpdu.calledTsap !== undefined
    ? 'yes'
    : 'no';
}

class IsoTransport implements AnalyzerInstance {
  private readonly out: FlowEmitter;
  private readonly framers: readonly [StreamFramer, StreamFramer];
  /** Whether a direction has carried a valid TPKT (before that, junk is a midstream start). */
  private readonly synced: [boolean, boolean] = [false, false];
  /** DT fragments of the TSDU being assembled, per direction. */
  private readonly frag: [Buffer | null, Buffer | null] = [null, null];
  private readonly fragLen: [number, number] = [0, 0];
  /** Dropping fragments until the end of an oversized TSDU. */
  private readonly skipping: [boolean, boolean] = [false, false];
  private readonly users: (IsoUser | undefined)[] = [undefined, undefined, undefined];
  private readonly conn: IsoConnection = {};
  private named = false;
  private unknownSeen = false;

  constructor(private readonly ctx: AnalyzerContext) {
    this.out = new FlowEmitter(ctx, 'cotp');
    const framer = (dir: Direction): StreamFramer =>
      new StreamFramer(
        measureTpkt,
        (buf, off, len) => this.tpkt(dir, buf, off, len),
        (_error, detail) => {
          if (this.synced[dir]) this.out.anomaly('cotp.bad_tpkt', detail);
        },
        TPKT_MAX,
      );
    this.framers = [framer(0), framer(1)];
  }

  data(dir: Direction, buf: Buffer, off: number, len: number): void {
    const f = this.framers[dir];
    // After a gap or junk, a delivery that starts with a plausible TPKT starts over.
    if (!f.synced) {
      if (!looksLikeTpkt(buf, off, len)) return;
      f.resync();
    }
    f.push(buf, off, len);
  }

  gap(dir: Direction): void {
    this.framers[dir].gap();
    this.fragLen[dir] = 0;
    this.skipping[dir] = false;
    for (const u of this.users) u?.gap(dir);
  }

  end(): void {
    for (const u of this.users) u?.end();
  }

  private tpkt(dir: Direction, buf: Buffer, off: number, len: number): void {
    this.synced[dir] = true;
    // Fast path: class 0 DT (LI 2, code 0xF0, EOT|NR), nearly every TPKT on port 102.
    if (len >= 7 && buf[off + 4] === 2 && (buf[off + 5]! & 0xf0) === Tpdu.DT) {
      this.dataUnit(dir, buf, off + 7, len - 7, (buf[off + 6]! & 0x80) !== 0);
      return;
    }
    const r = parseTpkt(buf, off, len);
    if (!r.ok) {
      this.out.anomaly(`cotp.${r.code}`, r.detail);
      return;
    }
    const t = r.tpdu;
    switch (t.type) {
      case 'DT':
        this.dataUnit(dir, buf, t.dataOff, t.dataLen, t.eot);
        break;
      case 'ED':
        // Expedited data is a TSDU of its own, outside the normal data's fragments.
        this.dispatch(dir, buf, t.dataOff, t.dataLen);
        break;
      case 'CR':
        if (t.callingTsap !== undefined) this.conn.callingTsap = t.callingTsap;
        if (t.calledTsap !== undefined) this.conn.calledTsap = t.calledTsap;
        break;
      case 'CC':
        // The confirm repeats the TSAPs: enough when the capture missed the request.
        this.conn.callingTsap ??= t.callingTsap;
        this.conn.calledTsap ??= t.calledTsap;
        break;
      case 'ER':
        this.out.anomaly('cotp.error_tpdu', 'the peer rejected a TPDU');
        break;
    }
  }

  private dataUnit(dir: Direction, buf: Buffer, off: number, len: number, eot: boolean): void {
    if (this.skipping[dir]) {
      if (eot) this.skipping[dir] = false;
      return;
    }
    if (eot && this.fragLen[dir] === 0) {
      this.dispatch(dir, buf, off, len);
      return;
    }
    const have = this.fragLen[dir];
    if (have + len > MAX_TSDU) {
      this.out.anomaly('cotp.tsdu_too_large', `over ${MAX_TSDU} bytes in DT fragments`);
      this.fragLen[dir] = 0;
      this.skipping[dir] = !eot;
      return;
    }
    if (len > 0) {
      let b = this.frag[dir];
      if (b === null || b.length < have + len) {
        const next = Buffer.allocUnsafe(Math.min(MAX_TSDU, Math.max(1024, (have + len) * 2)));
        if (b !== null) b.copy(next, 0, 0, have);
        b = next;
        this.frag[dir] = b;
      }
      buf.copy(b, have, off, off + len);
      this.fragLen[dir] = have + len;
    }
    if (eot) {
      const n = this.fragLen[dir];
      this.fragLen[dir] = 0;
      this.dispatch(dir, this.frag[dir]!, 0, n);
    }
  }

  private dispatch(dir: Direction, buf: Buffer, off: number, len: number): void {
    if (len === 0) return;
    const first = buf[off]!;
    let which: number;
    if (first === Payload.S7COMM) which = S7COMM;
    else if (first === Payload.S7COMM_PLUS) which = S7COMM_PLUS;
    else if (SESSION_FIRST.has(first)) which = MMS;
    // TLS records inside S7comm-plus sessions (TIA Portal V17+ secure communication).
    else if (this.users[S7COMM_PLUS] !== undefined && first >= 0x14 && first <= 0x17) which = S7COMM_PLUS;
    else {
      if (!this.unknownSeen) {
        this.unknownSeen = true;
        this.out.anomaly('cotp.unknown_payload', `TSDU starting 0x${first.toString(16).padStart(2, '0')}`);
      }
      return;
    }
    let u = this.users[which];
    if (u === undefined) {
      u = USERS[which]!.create(this.ctx, this.conn);
      this.users[which] = u;
    }
    if (u.tsdu(dir, buf, off, len) && !this.named) {
      this.named = true;
      this.ctx.setApp(USERS[which]!.name);
    }
  }
}

/**
 * A delivery starting with a TPKT header (resynchronisation): version 3, reserved 0, a sane
 * length and, when the bytes are there, a plausible LI and TPDU code. Some stacks send the
 * 4-byte TPKT header in a segment of its own.
 */
function looksLikeTpkt(buf: Buffer, off: number, len: number): boolean {
  if (len < 4 || buf[off] !== TPKT_VERSION || buf[off + 1] !== 0) return false;
  const tlen = buf.readUInt16BE(off + 2);
  if (tlen < 7) return false;
  if (len < 6) return len === 4;
  const li = buf[off + 4]!;
  const code = buf[off + 5]! & 0xf0;
  return (
    li >= 2 &&
    li + 5 <= tlen &&
    (code === Tpdu.DT || code === Tpdu.CR || code === Tpdu.CC || code === Tpdu.DR || code === Tpdu.ED)
  );
}
