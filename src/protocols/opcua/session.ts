/**
 * One OPC UA binary connection: UA-TCP messages in, events out (see index.ts for what is
 * emitted). Keeps the secure channel's policy, the chunks of a message being reassembled per
 * direction (bounded) and the requests waiting for their responses (bounded).
 *
 * Spec: OPC 10000-6 §6.7.2 (chunks: F final, C intermediate, A abort; the RequestId ties
 * chunks and responses to their request), §6.7.4 (with a SecurityPolicy other than None the
 * OPN body is always encrypted; MSG bodies are only signed in mode Sign, encrypted in
 * SignAndEncrypt), §7.1.2 (HEL, ACK, ERR, RHE).
 */
import type { Packet } from '../../capture/packet.js';
import { macToString } from '../../events/format.js';
import type { Endpoint, Evidence, OpKind } from '../../events/types.js';
import type { AnalyzerContext, Direction } from '../analyzer.js';
import { FlowEmitter, reversedEmitter } from '../emit.js';
import { senderIp } from '../endpoint.js';
import { certificateCn } from './cert.js';
import {
  Chunk,
  MAX_PENDING,
  MAX_REASSEMBLY,
  MsgType,
  POLICY_NONE,
  SECURITY_MODES,
  SECURITY_POLICY_PREFIX,
  SERVICE_KIND,
  SecurityMode,
  Service,
  statusText,
} from './consts.js';
import { appFacts, endpointFacts } from './facts.js';
import {
  bodyTypeId,
  parseChunk,
  parseErrorBody,
  parseHello,
  parseReverseHello,
  parseSequence,
} from './parse.js';
import { decodeRequest } from './requests.js';
import { decodeResponse } from './responses.js';

interface Pending {
  dir: Direction;
  service: number;
  kind: OpKind;
  target: string | undefined;
  evidence: Evidence;
  /** ActivateSession: the user token type presented. */
  token?: string;
}

interface Partial {
  requestId: number;
  buf: Buffer;
  len: number;
  chunks: number;
}

/** A request of unknown type on the client's side is still a request. */
const isRequestId = (id: number): boolean => SERVICE_KIND[id] !== undefined;
const isResponseId = (id: number): boolean =>
  id === Service.SERVICE_FAULT || SERVICE_KIND[id - 3] !== undefined;

/** TTLs a host starts with: a packet still carrying one crossed no router, so its MAC is its own. */
const onLink = (p: Packet): boolean => p.ttl === 64 || p.ttl === 128 || p.ttl === 255 || p.ttl === 32;

export class UaSession {
  private readonly out: FlowEmitter;
  private readonly reversed: FlowEmitter;
  private readonly pending = new Map<number, Pending>();
  private readonly partial: (Partial | undefined)[] = [undefined, undefined];
  /** The channel's SecurityPolicy: undefined until an OPN is seen. */
  private policy: string | undefined;
  private opn: Pending | undefined;
  private modeSaid = false;
  private noSecuritySaid = false;
  private overflowSaid = false;
  /** MSG chunks whose body could not be read (encrypted); counted, not decoded. */
  encryptedChunks = 0;

  constructor(private readonly ctx: AnalyzerContext) {
    this.out = new FlowEmitter(ctx, 'opcua');
    this.reversed = reversedEmitter(ctx, 'opcua');
  }

  anomaly(code: string, detail: string): void {
    this.out.anomaly(code, detail);
  }

  /** One whole UA-TCP message (the framer cut it) sent in direction `dir`. */
  message(dir: Direction, buf: Buffer, off: number, len: number): void {
    switch (buf.readUIntBE(off, 3)) {
      case MsgType.HEL: {
        const r = parseHello(buf, off, len);
        if (!r.ok) {
          this.out.anomaly(`opcua.${r.code}`, r.detail);
          return;
        }
        const at = this.receiver(dir);
        if (r.msg.endpointUrl && at) this.out.asset(at, { 'opcua.endpoint_url': r.msg.endpointUrl }, true);
        return;
      }
      case MsgType.ACK:
        return;
      case MsgType.ERR: {
        const r = parseErrorBody(buf, off + 8, len - 8);
        if (!r.ok) {
          this.out.anomaly(`opcua.${r.code}`, r.detail);
          return;
        }
        this.out.anomaly(
          'opcua.error',
          `${statusText(r.msg.error)}${r.msg.reason ? `: ${r.msg.reason}` : ''}`,
        );
        for (const p of this.pending.values()) this.emit(p, false);
        this.pending.clear();
        if (this.opn) this.emit(this.opn, false);
        this.opn = undefined;
        return;
      }
      case MsgType.RHE: {
        const r = parseReverseHello(buf, off, len);
        if (!r.ok) {
          this.out.anomaly(`opcua.${r.code}`, r.detail);
          return;
        }
        const f: Record<string, string> = { roleHint: 'opc-server' };
        if (r.msg.serverUri) f['opcua.application_uri'] = r.msg.serverUri;
        if (r.msg.endpointUrl) f['opcua.endpoint_url'] = r.msg.endpointUrl;
        const at = this.subject();
        if (at) this.out.asset(at, f, true);
        return;
      }
      default:
        this.chunk(dir, buf, off, len);
    }
  }

  private chunk(dir: Direction, buf: Buffer, off: number, len: number): void {
    const r = parseChunk(buf, off, len);
    if (!r.ok) {
      this.out.anomaly(`opcua.${r.code}`, r.detail);
      return;
    }
    const c = r.msg;
    if (c.type === MsgType.OPN) {
      this.policy = c.policyUri ?? POLICY_NONE;
      this.certificate(buf, c.certOff, c.certLen);
      if (this.policy !== POLICY_NONE) {
        this.encryptedOpn(dir);
        return;
      }
    }
    const seq = parseSequence(buf, c.seqOff, c.end);
    if (!seq) {
      this.out.anomaly('opcua.truncated', 'sequence header');
      return;
    }
    const part = this.partial[dir];
    if (c.chunk === Chunk.ABORT) {
      this.partial[dir] = undefined;
      const p = this.pending.get(seq.requestId);
      if (p && p.dir !== dir && this.plaintext(buf, seq.bodyOff, c.end, true)) {
        this.pending.delete(seq.requestId);
        this.emit(p, false);
      }
      return;
    }
    if (part && part.requestId === seq.requestId) {
      this.append(part, buf, seq.bodyOff, c.end);
      if (c.chunk === Chunk.INTERMEDIATE) return;
      this.partial[dir] = undefined;
      this.body(dir, part.buf, 0, part.len, seq.requestId);
      return;
    }
    if (part) this.partial[dir] = undefined; // a new message: the old one was never finished
    if (!this.plaintext(buf, seq.bodyOff, c.end, false)) {
      this.encryptedChunks++;
      this.sayMode(SecurityMode.SIGN_AND_ENCRYPT);
      return;
    }
    if (this.policy !== undefined && this.policy !== POLICY_NONE) this.sayMode(SecurityMode.SIGN);
    if (c.chunk === Chunk.INTERMEDIATE) {
      const np: Partial = {
        requestId: seq.requestId,
        buf: Buffer.allocUnsafe(Math.min(MAX_REASSEMBLY, 4096)),
        len: 0,
        chunks: 0,
      };
      this.append(np, buf, seq.bodyOff, c.end);
      this.partial[dir] = np;
      return;
    }
    this.body(dir, buf, seq.bodyOff, c.end, seq.requestId);
  }

  /** Whether a body can be read: a service TypeId (or the error of an abort) in clear. */
  private plaintext(buf: Buffer, off: number, end: number, abort: boolean): boolean {
    if (abort) return this.policy === undefined || this.policy === POLICY_NONE;
    const id = bodyTypeId(buf, off, end);
    if (id < 0) return false;
    if (this.policy === undefined || this.policy === POLICY_NONE) return true;
    return isRequestId(id) || isResponseId(id);
  }

  private append(p: Partial, buf: Buffer, off: number, end: number): void {
    p.chunks++;
    const n = Math.min(end - off, MAX_REASSEMBLY - p.len);
    if (n <= 0) return;
    if (p.len + n > p.buf.length) {
      const grown = Buffer.allocUnsafe(Math.min(MAX_REASSEMBLY, Math.max(p.buf.length * 2, p.len + n)));
      p.buf.copy(grown, 0, 0, p.len);
      p.buf = grown;
    }
    buf.copy(p.buf, p.len, off, off + n);
    p.len += n;
  }

  /** A whole plaintext service body (TypeId onwards). */
  private body(dir: Direction, buf: Buffer, off: number, end: number, requestId: number): void {
    const id = bodyTypeId(buf, off, end);
    if (isResponseId(id) || (!isRequestId(id) && dir === 1)) {
      this.response(buf, off, end, id, requestId);
      return;
    }
    const req = decodeRequest(buf, off, end, id);
    if (req.malformed) this.out.anomaly('opcua.bad_message', `request ${id} cut short or malformed`);
    if (req.client) {
      const at = this.subject();
      if (at) this.out.asset(at, appFacts(req.client, false), true);
    }
    if (req.token?.cleartextPassword)
      this.out.anomaly(
        'opcua.cleartext_password',
        `UserName token for ${JSON.stringify(req.token.userName ?? '')} without password encryption`,
      );
    let target = req.target;
    if (id === Service.OPEN_SECURE_CHANNEL)
      target = `${policyName(this.policy)} ${target ?? ''} mode ${SECURITY_MODES[req.securityMode ?? 0] ?? req.securityMode}`;
    const p: Pending = { dir, service: id, kind: req.kind, target, evidence: this.ctx.evidence() };
    if (req.token) p.token = req.token.type;
    // CloseSecureChannel has no response (Part 4 §5.5.3).
    if (id === Service.CLOSE_SECURE_CHANNEL) {
      this.emit(p);
      return;
    }
    if (this.pending.size >= MAX_PENDING) {
      const [oldId, oldest] = this.pending.entries().next().value!;
      this.pending.delete(oldId);
      this.emit(oldest);
      if (!this.overflowSaid)
        this.out.anomaly('opcua.pending_overflow', `more than ${MAX_PENDING} requests unanswered`);
      this.overflowSaid = true;
    }
    const prev = this.pending.get(requestId);
    if (prev) this.emit(prev);
    this.pending.set(requestId, p);
  }

  private response(buf: Buffer, off: number, end: number, id: number, requestId: number): void {
    const res = decodeResponse(buf, off, end, id);
    if (res.malformed) this.out.anomaly('opcua.bad_message', `response ${id} cut short or malformed`);
    const at = this.subject();
    if (at) {
      for (const e of res.endpoints ?? []) {
        this.out.asset(at, appFacts(e.server, true), true);
        this.out.asset(at, endpointFacts(e), true);
      }
      // The declared count is the sender's word: a cut-short list can hold fewer (found by the fuzzer).
      const only = res.serverCount === 1 ? res.servers?.[0] : undefined;
      if (only) this.out.asset(at, appFacts(only, true), true);
    }
    this.certificate(buf, res.certOff, res.certLen);
    if (id === Service.OPEN_SECURE_CHANNEL + 3 && at)
      this.out.asset(at, { 'opcua.security_policy': policyName(this.policy) }, true);
    const p = this.pending.get(requestId);
    if (!p) return;
    this.pending.delete(requestId);
    this.emit(p, res.ok);
    if (p.service === Service.ACTIVATE_SESSION && res.ok) {
      if (at && p.token) this.out.asset(at, { 'opcua.user_token': p.token }, true);
      if ((this.policy === undefined || this.policy === POLICY_NONE) && !this.noSecuritySaid) {
        this.noSecuritySaid = true;
        this.out.anomaly(
          'opcua.no_security',
          `session activated (${p.target ?? 'unknown token'}) over SecurityPolicy None`,
        );
      }
    }
  }

  /** An OPN whose body is encrypted: request and response are told apart by direction. */
  private encryptedOpn(dir: Direction): void {
    const at = this.subject();
    if (!this.opn || this.opn.dir === dir) {
      if (this.opn) this.emit(this.opn);
      const target = `${policyName(this.policy)} (encrypted)`;
      this.opn = {
        dir,
        service: Service.OPEN_SECURE_CHANNEL,
        kind: 'other',
        target,
        evidence: this.ctx.evidence(),
      };
      return;
    }
    this.emit(this.opn, true);
    this.opn = undefined;
    if (at) this.out.asset(at, { 'opcua.security_policy': policyName(this.policy) }, true);
  }

  private certificate(buf: Buffer, off: number, len: number): void {
    if (len <= 0) return;
    const cn = certificateCn(buf, off, len);
    const at = this.subject();
    if (cn && at) this.out.asset(at, { 'opcua.certificate_cn': cn }, true);
  }

  /** The mode in use on a channel whose policy is not None, said once about the server. */
  private sayMode(mode: number): void {
    if (this.modeSaid || this.policy === undefined || this.policy === POLICY_NONE) return;
    this.modeSaid = true;
    const ip = this.ctx.flow.server.ip;
    if (ip) this.out.asset({ ip }, { 'opcua.security_mode': SECURITY_MODES[mode]! }, true);
  }

  private emit(p: Pending, ok?: boolean): void {
    (p.dir === 0 ? this.out : this.reversed).op(p.kind, String(p.service), p.target, ok, p.evidence);
  }

  /** The sender of the current packet: its IP, its MAC when on the local link, its VLAN. */
  private subject(): Endpoint | undefined {
    const p = this.ctx.packet;
    const ip = senderIp(p);
    if (ip === undefined) return undefined;
    const at: Endpoint = { ip };
    if (p.srcMac >= 0 && onLink(p)) at.mac = macToString(p.srcMac);
    if (p.vlan >= 0) at.vlan = p.vlan;
    return at;
  }

  /** The receiver of a message sent in `dir` (for HEL: the server it names). */
  private receiver(dir: Direction): Endpoint | undefined {
    const e = dir === 0 ? this.ctx.flow.server : this.ctx.flow.client;
    return e.ip ? { ip: e.ip } : undefined;
  }

  end(): void {
    for (const p of this.pending.values()) this.emit(p);
    this.pending.clear();
    if (this.opn) this.emit(this.opn);
    this.opn = undefined;
    this.partial[0] = this.partial[1] = undefined;
  }

  gap(dir: Direction): void {
    this.partial[dir] = undefined;
  }
}

/** `Basic256Sha256` for the standard policy URIs, the URI itself otherwise. */
export function policyName(uri: string | undefined): string {
  if (uri === undefined) return 'unknown';
  return uri.startsWith(SECURITY_POLICY_PREFIX) ? uri.slice(SECURITY_POLICY_PREFIX.length) : uri;
}
