/**
 * What every proxied session shares, whatever the protocol: the connect decision, per-request
 * decisions through the cache with the session's fixed part keyed once, the recording of each
 * operation, audit entries at start, end and for denials (the first ones per session; later
 * ones are counted in the end entry so a flood cannot flood the log), the re-check that
 * cuts the session when its right to be connected goes away, and the two sockets: the client's
 * and the asset's, which `connectUpstream` opens and `end` closes.
 */
import { randomUUID } from 'node:crypto';
import { connect, type Socket, type TcpNetConnectOpts } from 'node:net';
import type { AuditLog } from '../audit/log.js';
import type { LocalCa } from '../ca/ca.js';
import type { Asset } from '../directory/directory.js';
import type { ActionId } from '../policy/actions.js';
import type { Decider, SessionDecisions } from '../policy/decider.js';
import { type AccessRequest, type Decision, NO_TARGET, type Target } from '../policy/decision.js';
import type { Reason } from '../policy/reasons.js';
import type { Principal } from './identity.js';
import type { Recorder } from './recorder.js';
import type { LiveSession, SessionInfo, SessionRegistry } from './sessions.js';

export interface SessionDeps {
  decider: Decider;
  ca: LocalCa;
  audit: AuditLog;
  recorder: Recorder;
  registry: SessionRegistry;
  clock: () => number;
}

/** Denials per session written to the audit log one by one; the rest are counted. */
const AUDITED_DENIALS = 20;

/** An operation forwarded to the asset, recorded once its answer gives the result. */
export interface PendingOp {
  seq: number;
  ts: number;
  action: string;
  code: string;
  target: string;
  decision: Decision;
  /** Further operations of the same request, answered by the same reply (a Multiple Service Packet's services). */
  more?: PendingOp[];
}

/** One operation of a request that carries several, as `forwardedAll` records it. */
export interface GroupOp {
  action: string;
  code: string;
  target: string;
  decision: Decision;
}

export function malformed(): Decision {
  return { allow: false, reasons: ['malformed-request'], policies: [], errors: [] };
}

export abstract class ProxySession implements LiveSession {
  readonly id = `s-${randomUUID()}`;
  readonly startedAt: number;
  protected readonly fixed: AccessRequest;
  private readonly decisions: SessionDecisions;
  private seq = 0;
  private allowedCount = 0;
  private deniedCount = 0;
  private ended = false;
  /** The last decision recorded and its reasons as a column: decisions repeat, the text is made once. */
  private lastDecision: Decision | undefined;
  private lastReasons = '';
  /** The asset's side, once `connectUpstream` has opened it. */
  protected upstream: Socket | undefined;
  /** Forwarded operations waiting for their answers, by the protocol's request id. */
  private readonly pending = new Map<number, PendingOp>();
  /** Operations tracked for their results at once; a client pipelining more is recorded without results. */
  protected readonly maxPending: number = 0;

  /** The protocol's name in the recording, the audit log and the session list. */
  abstract readonly protocol: string;

  constructor(
    protected readonly deps: SessionDeps,
    protected readonly principal: Principal,
    protected readonly asset: Asset,
    protected readonly client: Socket,
  ) {
    this.startedAt = deps.clock();
    this.fixed = { ...principal.request, action: 'connect', asset: asset.id };
    this.decisions = deps.decider.session(this.fixed);
  }

  /** Start proxying (after `begin`): connect to the asset and read both sides. */
  abstract open(): void;

  /**
   * Connect to the asset (with `opts` on top of its host and port, no delay): the client is
   * paused until the asset accepts; either side failing or closing ends the session.
   */
  protected connectUpstream(opts: Omit<TcpNetConnectOpts, 'host' | 'port'> = {}): Socket {
    const client = this.client;
    client.pause();
    const up = connect({ host: this.asset.host, port: this.asset.port, noDelay: true, ...opts });
    this.upstream = up;
    up.once('connect', () => client.resume());
    up.on('error', () => this.end('asset connection failed'));
    up.on('close', () => this.end('asset closed the connection'));
    client.on('close', () => this.end('client closed the connection'));
    return up;
  }

  /** Tear down both sockets (idempotent). */
  private closeSockets(): void {
    this.client.destroy();
    this.upstream?.destroy();
  }

  /** The connect decision; a refused connection is audited. */
  admit(): Decision {
    const d = this.check('connect', NO_TARGET);
    if (!d.allow)
      this.deps.audit.appendSoon({
        type: 'access.connect.refused',
        actor: this.principal.user,
        subject: this.asset.id,
        data: {
          protocol: this.protocol,
          source: this.principal.source,
          reasons: d.reasons,
          policies: d.policies,
        },
      });
    return d;
  }

  /** Record and announce the session (after `admit` allowed it). */
  begin(): void {
    this.deps.recorder.start({
      id: this.id,
      protocol: this.protocol,
      user_id: this.principal.user,
      device_id: this.principal.device ?? null,
      asset_id: this.asset.id,
      source: this.principal.source,
      started_at: this.startedAt,
      ended_at: null,
      end_reason: null,
    });
    this.deps.registry.add(this);
    this.deps.audit.appendSoon({
      type: 'access.session.start',
      actor: this.principal.user,
      subject: this.id,
      data: {
        protocol: this.protocol,
        asset: this.asset.id,
        source: this.principal.source,
        device: this.principal.device ?? null,
      },
    });
  }

  protected check(action: ActionId, target: Target): Decision {
    return this.decisions.check(action, target);
  }

  /** One operation for the recording; denials also for the audit log. Returns its sequence number. */
  protected recordOp(
    action: string,
    code: string,
    target: string,
    d: Decision,
    result: string,
    ts: number,
  ): number {
    const seq = ++this.seq;
    if (d.allow) this.allowedCount++;
    else {
      this.deniedCount++;
      if (this.deniedCount <= AUDITED_DENIALS)
        this.deps.audit.appendSoon({
          type: 'access.decision',
          actor: this.principal.user,
          subject: this.id,
          data: { asset: this.asset.id, action, code, target, reasons: d.reasons, policies: d.policies },
        });
    }
    if (result !== '') this.writeOp(seq, ts, action, code, target, d, result);
    return seq;
  }

  /**
   * An allowed operation going to the asset: recorded now, and its result once `takePending(id)`
   * finds it; with too many waiting, or `id` waiting already, recorded as `untracked`.
   */
  protected forwarded(
    id: number,
    action: string,
    code: string,
    target: string,
    d: Decision,
    ts: number,
  ): void {
    if (this.pending.size < this.maxPending && !this.pending.has(id)) {
      const seq = this.recordOp(action, code, target, d, '', ts);
      this.pending.set(id, { seq, ts, action, code, target, decision: d });
    } else this.recordOp(action, code, target, d, 'untracked', ts);
  }

  /**
   * A request carrying several operations, all allowed, going to the asset: each recorded now,
   * and all their results once `takePending(id)` finds the first (its `more` holds the rest).
   */
  protected forwardedAll(id: number, ops: readonly GroupOp[], ts: number): void {
    if (this.pending.size < this.maxPending && !this.pending.has(id)) {
      const all = ops.map(
        (o): PendingOp => ({ seq: this.recordOp(o.action, o.code, o.target, o.decision, '', ts), ts, ...o }),
      );
      const head = all[0]!;
      head.more = all.slice(1);
      this.pending.set(id, head);
    } else for (const o of ops) this.recordOp(o.action, o.code, o.target, o.decision, 'untracked', ts);
  }

  /** The operation waiting for the answer `id`, no longer waiting; pass it to `answered`. */
  protected takePending(id: number): PendingOp | undefined {
    const p = this.pending.get(id);
    if (p !== undefined) this.pending.delete(id);
    return p;
  }

  /** The recording row of a forwarded operation, with the result its answer gave. */
  protected answered(p: PendingOp, result: string): void {
    this.writeOp(p.seq, p.ts, p.action, p.code, p.target, p.decision, result);
  }

  /** `answered` for a request's operation and the others it carries (`more`), all with one result. */
  protected answeredAll(p: PendingOp, result: string): void {
    this.answered(p, result);
    for (const q of p.more ?? []) this.answered(q, result);
  }

  /** The recording row of an operation whose result came later. */
  private writeOp(
    seq: number,
    ts: number,
    action: string,
    code: string,
    target: string,
    d: Decision,
    result: string,
  ): void {
    if (d !== this.lastDecision) {
      this.lastDecision = d;
      this.lastReasons = d.reasons.join(',');
    }
    this.deps.recorder.op(this.id, seq, ts, action, code, target, d.allow, this.lastReasons, result);
  }

  /** Recording sequence numbers for a TCP relay's chunks. */
  protected nextSeq(): number {
    return ++this.seq;
  }

  info(): SessionInfo {
    return {
      id: this.id,
      protocol: this.protocol,
      user: this.principal.user,
      ...(this.principal.device !== undefined ? { device: this.principal.device } : {}),
      asset: this.asset.id,
      source: this.principal.source,
      startedAt: this.startedAt,
      allowed: this.allowedCount,
      denied: this.deniedCount,
    };
  }

  recheck(at: number): Reason[] | undefined {
    if (this.principal.serial !== undefined && this.fixed.certificate !== undefined) {
      const s = this.deps.ca.status(this.principal.serial, this.fixed.certificate.fingerprint, at).status;
      if (s === 'revoked') return ['certificate-revoked'];
      if (s !== 'valid') return ['certificate-expired'];
    }
    const d = this.decisions.check('connect', NO_TARGET, at);
    return d.allow ? undefined : d.reasons;
  }

  cut(reason: string): void {
    this.end(reason);
  }

  /** End once: sockets down, operations still waiting recorded as `no-response`, recording and audit closed. */
  protected end(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.closeSockets();
    for (const p of this.pending.values()) this.answeredAll(p, 'no-response');
    this.pending.clear();
    const at = this.deps.clock();
    this.deps.registry.remove(this);
    this.deps.recorder.end(this.id, at, reason);
    this.deps.audit.appendSoon({
      type: 'access.session.end',
      actor: this.principal.user,
      subject: this.id,
      data: {
        asset: this.asset.id,
        reason,
        allowed: this.allowedCount,
        denied: this.deniedCount,
        unaudited: Math.max(0, this.deniedCount - AUDITED_DENIALS),
        durationMs: at - this.startedAt,
      },
    });
  }

  get isEnded(): boolean {
    return this.ended;
  }
}

/** What a refused operation gets: the error answer the asset itself would give, or nothing. */
export type DenyMode = 'exception' | 'drop';

/** A session that decides operation by operation (Modbus, S7, EtherNet/IP), answering refusals per `denyMode`. */
export abstract class OperationSession extends ProxySession {
  constructor(
    deps: SessionDeps,
    principal: Principal,
    asset: Asset,
    client: Socket,
    protected readonly denyMode: DenyMode,
  ) {
    super(deps, principal, asset, client);
  }
}
