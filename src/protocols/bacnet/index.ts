/**
 * BACnet/IP analyzer (udp 47808 + a strict probe for other ports): every confirmed request is
 * an `op.observed` emitted at its answer (Simple/Complex-ACK ok, Error/Reject/Abort not ok),
 * every unconfirmed request an op at once; identity from I-Am, I-Have and ReadProperty(-
 * Multiple) answers about the Device object.
 *
 * Spec: ANSI/ASHRAE 135-2020 Annex J (BVLC, BBMD functions), §6 (NPDU, routing), §20 (APDU),
 * §21 (services). Codes are the service choice in decimal, as tshark's; confirmed and
 * unconfirmed choices overlap, so an unconfirmed op's target always starts with the service's
 * name ("who-is", "i-am device 123") and its kind tells it apart. Network layer messages are
 * `other` with code "network-N"; BBMD management is "bvlc-N". The op's client is the side
 * that sent the request (BACnet peers both listen on 47808).
 *
 * Whose fact is it: a Forwarded-NPDU speaks for the B/IP address in its BVLC header, not for
 * the BBMD that relayed it (Annex J.4.5); an NPDU with SNET comes from a device on another
 * BACnet network behind the router at that address, so its identity is not the router's: the
 * router gets `bacnet.routed_network` and `bacnet.remote_device` facts instead. The frame's
 * MAC is added only for frames sent to a link-layer group address (they cannot have been
 * routed). Vendor ids in private transfers name the vendor of a proprietary service, not the
 * device (`bacnet.private_transfer_vendor`). Not handled: segment reassembly (first segments
 * only), BACnet/IPv6, BACnet/SC, BDT/FDT contents.
 */
import type { Packet } from '../../capture/packet.js';
import type { AssetFacts, Endpoint, Evidence, OpKind } from '../../events/types.js';
import type {
  AnalyzerContext,
  AnalyzerDescriptor,
  AnalyzerInstance,
  Direction,
  ProbeResult,
} from '../analyzer.js';
import { FlowEmitter, reversedEmitter } from '../emit.js';
import { sender, senderIp } from '../endpoint.js';
import {
  ABORT_REASON,
  BVLC_OP,
  BVLL_TYPE_IP,
  Bvlc,
  CONFIRMED,
  DEVICE_TEXT_FACT,
  ERROR_CLASS_SERVICES,
  ERROR_PASSWORD_FAILURE,
  MAX_OBJECT_NAMES,
  MAX_PENDING,
  MAX_ROUTED_NETWORKS,
  NetMsg,
  OBJECT_DEVICE,
  Pdu,
  Port,
  Prop,
  REJECT_REASON,
  SEGMENTATION,
  Svc,
  UNCONFIRMED,
  Unconfirmed,
} from './consts.js';
import { BacnetMessage, originText, parseBacnet } from './parse.js';
import {
  ackValues,
  confirmedTarget,
  errorCode,
  isWildcard,
  type PropertyValue,
  parseIAm,
  parseIHave,
  unconfirmedTarget,
} from './services.js';
import { objectInstance, objectType, readCharString, readUnsigned } from './tags.js';
import { vendorName } from './vendors.js';

const CODE: readonly string[] = Array.from({ length: 256 }, (_, i) => String(i));
const MSG = new BacnetMessage();

/** Properties whose values the analyzer reads from ACKs. */
const WANTED = new Uint8Array(1024);
for (const p of Object.values(Prop)) WANTED[p] = 1;

function probe(buf: Buffer, off: number, len: number): ProbeResult {
  if (len < 4 || buf[off] !== BVLL_TYPE_IP || buf[off + 1]! > Bvlc.SECURE_BVLL) return 'no';
  if (buf.readUInt16BE(off + 2) !== len) return 'no';
  const fn = buf[off + 1]!;
  const npdu = fn === Bvlc.FORWARDED_NPDU ? 10 : 4;
  const carries =
    fn === Bvlc.FORWARDED_NPDU ||
    fn === Bvlc.DISTRIBUTE_BROADCAST ||
    fn === Bvlc.ORIGINAL_UNICAST ||
    fn === Bvlc.ORIGINAL_BROADCAST;
  if (!carries) return len <= 64 ? 'yes' : 'no';
  return len > npdu + 1 && buf[off + npdu] === 1 ? 'yes' : 'no';
}

export const bacnet: AnalyzerDescriptor = {
  name: 'bacnet',
  transport: 'udp',
  ports: [Port.BACNET],
  probe,
  create: (ctx) => new BacnetFlow(ctx),
};

interface Pending {
  invoke: number;
  /** Direction the request travelled in. */
  dir: Direction;
  service: number;
  kind: OpKind;
  code: string;
  target: string | undefined;
  evidence: Evidence;
}

class BacnetFlow implements AnalyzerInstance {
  private readonly out: FlowEmitter;
  private rev: FlowEmitter | undefined;
  private readonly pending: Pending[] = [];
  private bvlcPending: Pending | undefined;
  private objectNames = 0;
  private bbmdSaid = false;
  private readonly onValue = (v: PropertyValue) => this.value(v);
  /** Facts gathered from the ACK being handled. */
  private facts: AssetFacts | undefined;
  private subjectNow: Endpoint | undefined;
  /** Device instance the ACK being handled is about, -1 when none. */
  private ackInstance = -1;
  private bufNow: Buffer = Buffer.alloc(0);

  constructor(private readonly ctx: AnalyzerContext) {
    this.out = new FlowEmitter(ctx, 'bacnet');
  }

  data(dir: Direction, buf: Buffer, off: number, len: number): void {
    const m = parseBacnet(buf, off, len, MSG);
    if (!m.ok) {
      this.out.anomaly(`bacnet.${m.code}`, m.detail);
      return;
    }
    if (m.bvlcLength > len)
      this.out.anomaly('bacnet.bad_length', `BVLC length ${m.bvlcLength}, ${len} bytes present`);
    if (!m.npdu) {
      this.bvlc(dir, m);
      return;
    }
    if (m.origin >= 0 && !this.bbmdSaid) {
      const ip = senderIp(this.ctx.packet);
      this.bbmdSaid = true;
      if (ip !== undefined) this.out.asset({ ip }, { 'bacnet.bbmd': 'true' });
    }
    if (m.snet >= 0) this.routerFacts(m, [m.snet]);
    if (m.netMsg >= 0) {
      this.networkMessage(dir, m, buf);
      return;
    }
    switch (m.pdu) {
      case Pdu.CONFIRMED:
        this.request(dir, m, buf);
        break;
      case Pdu.UNCONFIRMED:
        this.unconfirmed(dir, m, buf);
        break;
      case Pdu.SEGMENT_ACK:
        break;
      default:
        this.answer(dir, m, buf);
    }
  }

  end(): void {
    for (const p of this.pending) this.emitter(p.dir).op(p.kind, p.code, p.target, undefined, p.evidence);
    this.pending.length = 0;
    const b = this.bvlcPending;
    if (b) this.emitter(b.dir).op(b.kind, b.code, b.target, undefined, b.evidence);
    this.bvlcPending = undefined;
  }

  /** BBMD management requests and their BVLC-Result / ACK. */
  private bvlc(dir: Direction, m: BacnetMessage): void {
    const op = BVLC_OP[m.bvlc];
    if (op !== undefined) {
      const b = this.bvlcPending;
      if (b) this.emitter(b.dir).op(b.kind, b.code, b.target, undefined, b.evidence);
      const [kind, target] = op;
      this.bvlcPending = {
        invoke: -1,
        dir,
        service: m.bvlc,
        kind,
        code: `bvlc-${m.bvlc}`,
        target,
        evidence: this.ctx.evidence(),
      };
      return;
    }
    const b = this.bvlcPending;
    if (b === undefined || b.dir === dir) return;
    if (m.bvlc === Bvlc.RESULT || m.bvlc === Bvlc.READ_BDT_ACK || m.bvlc === Bvlc.READ_FDT_ACK) {
      this.bvlcPending = undefined;
      this.emitter(b.dir).op(b.kind, b.code, b.target, m.bvlc !== Bvlc.RESULT || m.result === 0, b.evidence);
    }
  }

  private networkMessage(dir: Direction, m: BacnetMessage, buf: Buffer): void {
    this.emitter(dir).op('other', `network-${m.netMsg}`, undefined);
    if (m.netMsg !== NetMsg.I_AM_ROUTER) return;
    const nets: number[] = [];
    for (let p = m.dataOff; p + 2 <= m.end && nets.length < MAX_ROUTED_NETWORKS; p += 2)
      nets.push(buf.readUInt16BE(p));
    this.routerFacts(m, nets);
  }

  private request(dir: Direction, m: BacnetMessage, buf: Buffer): void {
    if (m.segmented && m.seq > 0) return; // a later segment of a request already counted
    const svc = m.service;
    const [, kind0] = CONFIRMED[svc] ?? ['', 'other' as OpKind];
    const d = confirmedTarget(svc, buf, m.dataOff, m.end);
    const target =
      m.dnet >= 0 && m.dnet !== 0xffff ? `net ${m.dnet}${d.target ? ` ${d.target}` : ''}` : d.target;
    const at = this.pending.findIndex((p) => p.invoke === m.invoke && p.dir === dir);
    if (at >= 0) this.flush(at);
    if (this.pending.length >= MAX_PENDING) {
      this.out.anomaly('bacnet.pending_overflow', `over ${MAX_PENDING} unanswered requests`);
      this.flush(0);
    }
    this.pending.push({
      invoke: m.invoke,
      dir,
      service: svc,
      kind: d.kind ?? kind0,
      code: CODE[svc]!,
      target,
      evidence: this.ctx.evidence(),
    });
  }

  private unconfirmed(dir: Direction, m: BacnetMessage, buf: Buffer): void {
    const svc = m.service;
    const kind = UNCONFIRMED[svc]?.[1] ?? 'other';
    this.emitter(dir).op(kind, CODE[svc]!, unconfirmedTarget(svc, buf, m.dataOff, m.end));
    if (svc === Unconfirmed.I_AM) this.iAm(m, buf);
    else if (svc === Unconfirmed.I_HAVE) this.iHave(m, buf);
    else if (svc === Unconfirmed.PRIVATE_TRANSFER) this.privateVendor(m, buf);
  }

  /** Simple-ACK, Complex-ACK, Error, Reject, Abort: the answer to a pending request. */
  private answer(dir: Direction, m: BacnetMessage, buf: Buffer): void {
    const pdu = m.pdu;
    if (pdu === Pdu.COMPLEX_ACK && m.segmented && m.seq > 0) return;
    const ok = pdu === Pdu.SIMPLE_ACK || pdu === Pdu.COMPLEX_ACK;
    const hasService = pdu === Pdu.SIMPLE_ACK || pdu === Pdu.COMPLEX_ACK || pdu === Pdu.ERROR;
    if (
      pdu === Pdu.COMPLEX_ACK &&
      (m.service === Svc.READ_PROPERTY || m.service === Svc.READ_PROPERTY_MULTIPLE)
    ) {
      this.ackIdentity(m, buf);
    }
    if (pdu === Pdu.ERROR) {
      const e = errorCode(buf, m.dataOff, m.end);
      if (e === ERROR_CLASS_SERVICES * 65536 + ERROR_PASSWORD_FAILURE) {
        this.out.anomaly(
          'bacnet.password_failure',
          `${CONFIRMED[m.service]?.[0] ?? m.service}: password-failure`,
        );
      }
    }
    const at = this.pending.findIndex(
      (p) => p.invoke === m.invoke && p.dir !== dir && (!hasService || p.service === m.service),
    );
    if (at >= 0) {
      const p = this.pending[at]!;
      this.pending.splice(at, 1);
      this.emitter(p.dir).op(p.kind, p.code, p.target, ok, p.evidence);
      return;
    }
    if (hasService) {
      // An answer whose request was not seen: the operation still happened, as the answer says.
      const kind = CONFIRMED[m.service]?.[1] ?? 'other';
      this.emitter(dir === 0 ? 1 : 0).op(kind, CODE[m.service]!, undefined, ok);
    } else {
      const reason = pdu === Pdu.REJECT ? REJECT_REASON[m.service] : ABORT_REASON[m.service];
      this.out.anomaly(
        'bacnet.unmatched_answer',
        `${pdu === Pdu.REJECT ? 'reject' : 'abort'} for invoke id ${m.invoke} (${reason ?? m.service}) with no request`,
      );
    }
  }

  /** Who the APDU's identity belongs to, or undefined when it came from another BACnet network. */
  private subject(m: BacnetMessage): Endpoint | undefined {
    if (m.snet >= 0) return undefined;
    if (m.origin >= 0) return { ip: originText(m) };
    const p = this.ctx.packet;
    if (isGroupMac(p)) return sender(p);
    const ip = senderIp(p);
    return ip === undefined ? undefined : { ip };
  }

  /** The B/IP node that sent or relayed an NPDU from another network. */
  private routerFacts(m: BacnetMessage, nets: readonly number[]): void {
    const ip = m.origin >= 0 ? originText(m) : senderIp(this.ctx.packet);
    if (ip === undefined) return;
    for (const n of nets) this.out.asset({ ip }, { 'bacnet.routed_network': CODE[n] ?? String(n) }, true);
  }

  private iAm(m: BacnetMessage, buf: Buffer): void {
    const a = parseIAm(buf, m.dataOff, m.end);
    if (a === undefined) return;
    const facts: AssetFacts = {
      'bacnet.device_instance': String(a.instance),
      'bacnet.vendor_id': String(a.vendor),
    };
    const vendor = vendorName(a.vendor);
    const subject = this.subject(m);
    if (subject === undefined) {
      const ip = m.origin >= 0 ? originText(m) : senderIp(this.ctx.packet);
      const mac = buf.toString('hex', m.sadrOff, m.sadrOff + m.sadrLen);
      const remote = `network ${m.snet} mac ${mac}: device ${a.instance} vendor ${a.vendor}${vendor ? ` (${vendor})` : ''}`;
      if (ip !== undefined) this.out.asset({ ip }, { 'bacnet.remote_device': remote }, true);
      return;
    }
    if (vendor !== undefined) facts.vendor = vendor;
    if (a.maxApdu > 0) facts['bacnet.max_apdu'] = String(a.maxApdu);
    const seg = SEGMENTATION[a.segmentation];
    if (seg !== undefined) facts['bacnet.segmentation'] = seg;
    facts.roleHint = 'bms-controller';
    this.out.asset(subject, facts);
  }

  private iHave(m: BacnetMessage, buf: Buffer): void {
    const h = parseIHave(buf, m.dataOff, m.end);
    const subject = this.subject(m);
    if (h === undefined || subject === undefined) return;
    if (h.objectType === OBJECT_DEVICE) {
      this.out.asset(subject, {
        'bacnet.device_instance': String(h.device),
        'bacnet.object_name': h.name,
        name: h.name,
      });
    } else if (this.objectNames++ < MAX_OBJECT_NAMES) {
      this.out.asset(subject, { 'bacnet.object_name': h.name }, true);
    }
  }

  /** A private transfer's vendor id names whose proprietary service it is (§16.2.1.1.1). */
  private privateVendor(m: BacnetMessage, buf: Buffer): void {
    const subject = this.subject(m);
    if (subject === undefined || m.dataOff >= m.end) return;
    const tag = buf[m.dataOff]!;
    if (tag >>> 4 !== 0 || !(tag & 0x08) || (tag & 7) > 4 || m.dataOff + 1 + (tag & 7) > m.end) return;
    const v = readUnsigned(buf, m.dataOff + 1, tag & 7);
    if (v >= 0) this.out.asset(subject, { 'bacnet.private_transfer_vendor': String(v) }, true);
  }

  private ackIdentity(m: BacnetMessage, buf: Buffer): void {
    const subject = this.subject(m);
    if (subject === undefined) return;
    this.facts = undefined;
    this.ackInstance = -1;
    this.subjectNow = subject;
    this.bufNow = buf;
    ackValues(buf, m.dataOff, m.end, m.service === Svc.READ_PROPERTY_MULTIPLE, WANTED, this.onValue);
    if (this.ackInstance >= 0)
      this.out.asset(subject, { 'bacnet.device_instance': String(this.ackInstance) });
    if (this.facts !== undefined && Object.keys(this.facts).length > 0) this.out.asset(subject, this.facts);
    this.facts = undefined;
  }

  private value(v: PropertyValue): void {
    const buf = this.bufNow;
    const device = v.objectType === OBJECT_DEVICE;
    const text = v.tag === 7 ? readCharString(buf, v.off, v.len) : undefined;
    this.facts ??= {};
    const f = this.facts;
    if (device && !isWildcard(v.instance)) this.ackInstance = v.instance;
    if (v.property === Prop.OBJECT_NAME && text !== undefined) {
      if (device) {
        f['bacnet.object_name'] = text;
        f.name = text;
      } else if (this.objectNames++ < MAX_OBJECT_NAMES) {
        this.out.asset(this.subjectNow!, { 'bacnet.object_name': text }, true);
      }
      return;
    }
    if (!device) return;
    const key = DEVICE_TEXT_FACT[v.property];
    if (key !== undefined && text !== undefined) f[key] = text;
    else if (v.property === Prop.VENDOR_IDENTIFIER && v.tag === 2) {
      const id = readUnsigned(buf, v.off, v.len);
      if (id >= 0) {
        f['bacnet.vendor_id'] = String(id);
        const name = vendorName(id);
        if (name !== undefined && f.vendor === undefined) f.vendor = name;
      }
    } else if (v.property === Prop.OBJECT_IDENTIFIER && v.tag === 12 && v.len === 4) {
      if (objectType(buf, v.off) === OBJECT_DEVICE) this.ackInstance = objectInstance(buf, v.off);
    }
  }

  private flush(i: number): void {
    const p = this.pending[i]!;
    this.pending.splice(i, 1);
    this.emitter(p.dir).op(p.kind, p.code, p.target, undefined, p.evidence);
  }

  /** The emitter whose client sent in direction `dir`. */
  private emitter(dir: Direction): FlowEmitter {
    if (dir === 0) return this.out;
    this.rev ??= reversedEmitter(this.ctx, 'bacnet');
    return this.rev;
  }
}

/** The frame went to a link-layer group address (broadcast or multicast): it was not routed. */
function isGroupMac(p: Packet): boolean {
  return p.dstMac >= 0 && Math.floor(p.dstMac / 0x10000000000) % 2 === 1;
}
