/**
 * DNP3 analyzers (tcp and udp 20000): link frames → transport reassembly → application
 * fragments → `op.observed` per request and `asset.observed` for link addresses and g0 device
 * attributes.
 *
 * Spec: IEEE 1815-2012 §9.2 (link layer, CRCs checked: a mismatch is `dnp3.crc_mismatch` and
 * the frame is dropped), §8.2 (transport: FIR/FIN/SEQ, fragments capped at MAX_FRAGMENT),
 * §4.2 (application: function codes, IIN), Annex A (objects). IEEE 1815 §4.3.1 for TCP/UDP:
 * several frames may share a segment or datagram; a frame may straddle segments.
 *
 * Operations: one per request, emitted at its solicited response (matched by application
 * sequence and link addresses) with `ok` from IIN2 (function unsupported, object unknown,
 * parameter error, already executing) and, for controls and file commands, from the echoed
 * status; requests never answered are emitted without `ok` at flow end, when superseded or
 * when evicted. Broadcast requests and "no ack" functions are emitted at once. Confirms are
 * `other` "0"; unsolicited responses `other` "130"; a response with no request `other` "129".
 * The op's client is the master (the sender of requests), whichever end opened the flow.
 *
 * Facts (IP only: DNP3/TCP is often routed, so the frame's MAC may be a router's): the
 * outstation's link address (`dnp3.address`, source of DIR=0 frames) with roleHint 'rtu'; the
 * master's link address (source of DIR=1 frames); g0 device attributes in responses (vendor,
 * model, firmware, serial, name, ...). IIN1.7 device restart, IIN1.6 device trouble, IIN2.5
 * configuration corrupt and IIN2.3 event buffer overflow are anomalies when they rise.
 * Not handled: secure authentication contents, link-layer confirmed-data retries (frames are
 * taken as they come), data sets.
 */
import type { Evidence, OpKind } from '../../events/types.js';
import type {
  AnalyzerContext,
  AnalyzerDescriptor,
  AnalyzerInstance,
  Direction,
  ProbeResult,
} from '../analyzer.js';
import { FlowEmitter, reversedEmitter } from '../emit.js';
import { senderIp } from '../endpoint.js';
import { StreamFramer } from '../framer.js';
import {
  ADDR_BROADCAST_MIN,
  ADDR_RESERVED,
  Dnp3Error,
  FC_KIND,
  Fc,
  FileMode,
  HEADER_LEN,
  IIN_ANOMALIES,
  IIN2_FAILED,
  LinkPri,
  MAX_FRAGMENT,
  MAX_FRAME,
  MAX_PENDING,
  noResponseExpected,
  Port,
  requestCarriesData,
  START0,
  START1,
  Tp,
} from './consts.js';
import { describeObjects, HAS_FILE, HAS_TIME, responseInfo } from './objects.js';
import { AppHeader, crcDnp, LinkFrame, measureLinkFrame, parseAppHeader, parseLinkFrame } from './parse.js';

const CODE: readonly string[] = Array.from({ length: 256 }, (_, i) => String(i));

/** Scratch for the frame and header being handled: analyzers run one packet at a time. */
const FRAME = new LinkFrame();
const APP = new AppHeader();

function probe(buf: Buffer, off: number, len: number): ProbeResult {
  if (len < 1) return 'more';
  if (buf[off] !== START0) return 'no';
  if (len < 2) return 'more';
  if (buf[off + 1] !== START1) return 'no';
  if (len < HEADER_LEN) return 'more';
  return buf[off + 2]! >= 5 && crcDnp(buf, off, 8) === buf.readUInt16LE(off + 8) ? 'yes' : 'no';
}

export const dnp3Tcp: AnalyzerDescriptor = {
  name: 'dnp3',
  transport: 'tcp',
  ports: [Port.DNP3],
  probe,
  create: (ctx) => new Dnp3Flow(ctx, true),
};

export const dnp3Udp: AnalyzerDescriptor = {
  name: 'dnp3',
  transport: 'udp',
  ports: [Port.DNP3],
  probe: (buf, off, len) => {
    const r = probe(buf, off, len);
    return r === 'more' ? 'no' : r;
  },
  create: (ctx) => new Dnp3Flow(ctx, false),
};

interface Pending {
  seq: number;
  master: number;
  outstation: number;
  kind: OpKind;
  code: string;
  target: string | undefined;
  /** Read the echoed status of a control or file command. */
  status: boolean;
  masterIsClient: boolean;
  evidence: Evidence;
}

/** One direction's transport reassembly (§8.2). */
interface Reassembly {
  active: boolean;
  next: number;
  src: number;
  dst: number;
  len: number;
  buf: Buffer | null;
}

class Dnp3Flow implements AnalyzerInstance {
  private readonly out: FlowEmitter;
  private rev: FlowEmitter | undefined;
  private readonly framers: readonly [StreamFramer, StreamFramer] | undefined;
  private readonly reasm: [Reassembly, Reassembly] = [newReassembly(), newReassembly()];
  private readonly pending: Pending[] = [];
  /** Kind of the file last opened (close/abort follow it). */
  private fileKind: OpKind = 'read';
  /** IIN anomaly bits currently raised. */
  private iinUp = 0;
  private readonly masters: number[] = [];
  private readonly outstations: number[] = [];

  constructor(
    private readonly ctx: AnalyzerContext,
    tcp: boolean,
  ) {
    this.out = new FlowEmitter(ctx, 'dnp3');
    if (tcp) {
      const framer = (dir: Direction) =>
        new StreamFramer(
          measureLinkFrame,
          (buf, off, len) => this.frame(dir, buf, off, len),
          (_e, detail) => this.out.anomaly(`dnp3.${Dnp3Error.BAD_START}`, detail),
          MAX_FRAME,
        );
      this.framers = [framer(0), framer(1)];
    }
  }

  data(dir: Direction, buf: Buffer, off: number, len: number): void {
    const fr = this.framers?.[dir];
    if (fr === undefined) {
      this.datagram(dir, buf, off, len);
      return;
    }
    if (!fr.synced) {
      // Resynchronise on the next start octets (a frame boundary, most likely).
      const i = findStart(buf, off, off + len);
      if (i < 0) return;
      fr.resync();
      len -= i - off;
      off = i;
    }
    fr.push(buf, off, len);
  }

  gap(dir: Direction): void {
    this.framers?.[dir].gap();
    this.reasm[dir].active = false;
  }

  end(): void {
    for (const p of this.pending)
      this.emitter(p.masterIsClient).op(p.kind, p.code, p.target, undefined, p.evidence);
    this.pending.length = 0;
  }

  private datagram(dir: Direction, buf: Buffer, off: number, len: number): void {
    const end = off + len;
    let p = off;
    while (p < end) {
      const need = measureLinkFrame(buf, p, end - p);
      if (need < 0) {
        this.out.anomaly(`dnp3.${Dnp3Error.BAD_START}`, `no frame start at +${p - off}`);
        return;
      }
      if (need === 0 || need > end - p) {
        this.out.anomaly(`dnp3.${Dnp3Error.TRUNCATED}`, `frame at +${p - off} cut at ${end - p} bytes`);
        return;
      }
      this.frame(dir, buf, p, need);
      p += need;
    }
  }

  private frame(dir: Direction, buf: Buffer, off: number, len: number): void {
    const f = parseLinkFrame(buf, off, len, FRAME);
    if (!f.ok) {
      this.out.anomaly(`dnp3.${f.code}`, f.detail);
      return;
    }
    this.addressFacts(f);
    if (!f.prm) return;
    const func = f.func;
    if (func !== LinkPri.CONFIRMED_USER_DATA && func !== LinkPri.UNCONFIRMED_USER_DATA) return;
    if (f.dataLen < 1) return;
    this.segment(dir, f);
  }

  private segment(dir: Direction, f: LinkFrame): void {
    const th = f.data[0]!;
    const seq = th & Tp.SEQ;
    const r = this.reasm[dir];
    const n = f.dataLen - 1;
    if (th & Tp.FIR) {
      if (r.active)
        this.out.anomaly('dnp3.transport_incomplete', 'first segment before the previous final one');
      r.active = false;
      if (th & Tp.FIN) {
        this.fragment(dir, f, f.data, 1, n);
        return;
      }
      r.active = true;
      r.len = 0;
      r.src = f.src;
      r.dst = f.dest;
    } else {
      // A continuation without its first segment (capture started mid-fragment): nothing to do.
      if (!r.active) return;
      if (seq === ((r.next + 63) & Tp.SEQ) && f.src === r.src) return; // a repeat, §8.2.2
      if (seq !== r.next || f.src !== r.src || f.dest !== r.dst) {
        r.active = false;
        this.out.anomaly('dnp3.transport_sequence', `segment ${seq}, expected ${r.next}`);
        return;
      }
    }
    if (r.len + n > MAX_FRAGMENT) {
      r.active = false;
      this.out.anomaly('dnp3.fragment_too_large', `fragment over ${MAX_FRAGMENT} bytes`);
      return;
    }
    if (r.buf === null || r.buf.length < r.len + n) {
      const next = Buffer.allocUnsafe(Math.min(MAX_FRAGMENT, Math.max(512, (r.len + n) * 2)));
      if (r.buf !== null) r.buf.copy(next, 0, 0, r.len);
      r.buf = next;
    }
    f.data.copy(r.buf, r.len, 1, 1 + n);
    r.len += n;
    r.next = (seq + 1) & Tp.SEQ;
    if (th & Tp.FIN) {
      r.active = false;
      this.fragment(dir, f, r.buf, 0, r.len);
    }
  }

  private fragment(dir: Direction, f: LinkFrame, buf: Buffer, off: number, len: number): void {
    const a = parseAppHeader(buf, off, len, APP);
    if (!a.ok) {
      this.out.anomaly(`dnp3.${a.code}`, a.detail);
      return;
    }
    if (a.response) this.response(dir, f, a, buf);
    else this.request(dir, f, a, buf);
  }

  private request(dir: Direction, f: LinkFrame, a: AppHeader, buf: Buffer): void {
    const fc = a.fc;
    const masterIsClient = dir === 0;
    let kind = FC_KIND[fc];
    if (kind === undefined) {
      this.out.anomaly('dnp3.unknown_function', `function code ${fc}`);
      kind = 'other';
    }
    const d = describeObjects(buf, a.objOff, a.end, requestCarriesData(fc));
    if (d.error) this.out.anomaly(`dnp3.${d.error.code}`, `${CODE[fc]}: ${d.error.detail}`);
    if (fc === Fc.WRITE) kind = d.groups & HAS_FILE ? 'program' : d.groups & HAS_TIME ? 'control' : 'write';
    else if (fc === Fc.OPEN_FILE) {
      kind = d.fileMode === FileMode.WRITE || d.fileMode === FileMode.APPEND ? 'program' : 'read';
      this.fileKind = kind;
    } else if (fc === Fc.CLOSE_FILE || fc === Fc.ABORT_FILE) kind = this.fileKind;
    const code = CODE[fc]!;
    if (noResponseExpected(fc) || f.dest >= ADDR_BROADCAST_MIN) {
      this.emitter(masterIsClient).op(kind, code, d.target);
      return;
    }
    const seq = a.seq;
    const at = this.pending.findIndex((p) => p.seq === seq && p.master === f.src && p.outstation === f.dest);
    if (at >= 0) this.flush(at); // superseded (a retry, or the answer was lost)
    if (this.pending.length >= MAX_PENDING) {
      this.out.anomaly('dnp3.pending_overflow', `over ${MAX_PENDING} unanswered requests`);
      this.flush(0);
    }
    this.pending.push({
      seq,
      master: f.src,
      outstation: f.dest,
      kind,
      code,
      target: d.target,
      status: kind === 'control' || fc === Fc.OPEN_FILE || fc === Fc.CLOSE_FILE,
      masterIsClient,
      evidence: this.ctx.evidence(),
    });
  }

  private response(dir: Direction, f: LinkFrame, a: AppHeader, buf: Buffer): void {
    const iin = a.iin;
    this.iinAnomalies(iin);
    let ok = (iin & IIN2_FAILED) === 0;
    const masterIsClient = dir === 1;
    if (a.fc === Fc.UNSOLICITED_RESPONSE) {
      const d = describeObjects(buf, a.objOff, a.end, true);
      this.emitter(masterIsClient).op('other', CODE[a.fc]!, d.target, ok);
      return;
    }
    if (!a.fir) return; // a later fragment of a multi-fragment response
    const g = a.objOff < a.end ? buf[a.objOff]! : -1;
    const info = g === 0 || g === 12 || g === 41 || g === 70 ? responseInfo(buf, a.objOff, a.end) : undefined;
    if (info?.attributes) {
      const ip = senderIp(this.ctx.packet);
      if (ip !== undefined) this.out.asset({ ip }, info.attributes);
    }
    let at = this.pending.findIndex((p) => p.seq === a.seq && p.master === f.dest && p.outstation === f.src);
    if (at < 0) at = this.pending.findIndex((p) => p.seq === a.seq);
    if (at < 0) {
      this.emitter(masterIsClient).op('other', CODE[a.fc]!, undefined, ok);
      return;
    }
    const p = this.pending[at]!;
    this.pending.splice(at, 1);
    if (ok && p.status && info !== undefined && info.status > 0) ok = false;
    this.emitter(p.masterIsClient).op(p.kind, p.code, p.target, ok, p.evidence);
  }

  private iinAnomalies(iin: number): void {
    for (const [bit, code, detail] of IIN_ANOMALIES) {
      if (iin & bit) {
        if (!(this.iinUp & bit)) this.out.anomaly(`dnp3.${code}`, detail);
        this.iinUp |= bit;
      } else this.iinUp &= ~bit;
    }
  }

  private addressFacts(f: LinkFrame): void {
    const src = f.src;
    if (src >= ADDR_RESERVED) return;
    const known = f.dir ? this.masters : this.outstations;
    if (known.includes(src)) return;
    if (known.length < 8) known.push(src);
    const ip = senderIp(this.ctx.packet);
    if (ip === undefined) return;
    if (f.dir) this.out.asset({ ip }, { 'dnp3.address': CODE[src] ?? String(src) }, true);
    else this.out.asset({ ip }, { roleHint: 'rtu', 'dnp3.address': CODE[src] ?? String(src) }, true);
  }

  private flush(i: number): void {
    const p = this.pending[i]!;
    this.pending.splice(i, 1);
    this.emitter(p.masterIsClient).op(p.kind, p.code, p.target, undefined, p.evidence);
  }

  /** The emitter whose client is the master. */
  private emitter(masterIsClient: boolean): FlowEmitter {
    if (masterIsClient) return this.out;
    this.rev ??= reversedEmitter(this.ctx, 'dnp3');
    return this.rev;
  }
}

function newReassembly(): Reassembly {
  return { active: false, next: 0, src: -1, dst: -1, len: 0, buf: null };
}

function findStart(buf: Buffer, from: number, to: number): number {
  for (let i = from; i + 1 < to; i++) if (buf[i] === START0 && buf[i + 1] === START1) return i;
  return -1;
}
