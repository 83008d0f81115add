/**
 * The per-flow emitter every analyzer speaks through, so that a chatty flow costs one event
 * per fact, not one per packet, and a hostile one cannot flood the bus (DESIGN.md "Anomalies
 * are data, exceptions are bugs": caps per flow).
 *
 * - `asset(at, facts)`: a fact set already emitted for a subject (MAC, IP, VLAN and the fact
 *   keys) stays quiet on repeats; a changed value is emitted again. The memo is bounded
 *   (`MEMO_CAP` entries, oldest forgotten first), so a forgotten fact is simply said again.
 *   `multi` facts are one of several values a subject holds at once (names of an address)
 *   and are remembered by value, so alternating values do not re-emit each other.
 * - `op(kind, code, target, ok)`: the first operation of each signature (kind, code, target,
 *   verdict) goes out at once; repeats of it — polling, the bulk of industrial traffic — are
 *   counted and go out as one event with `count` and `last` per signature and minute (and at
 *   the flow's end). Every operation is accounted for; a poll loop costs a counter, not an
 *   event per request. Up to `MAX_SIGNATURES` signatures are tracked per flow.
 * - `anomaly(code, detail)`: the first `MAX_ANOMALIES` of a flow go out, the rest are dropped.
 */
import type { AssetFacts, Endpoint, Evidence, OpKind, OpObserved } from '../events/types.js';
import type { AnalyzerContext } from './analyzer.js';

/** Remembered fact sets per flow. */
export const MEMO_CAP = 256;
/** Anomalies emitted per flow. */
export const MAX_ANOMALIES = 64;
/** Operation signatures whose repeats are summarised per flow (the oldest is flushed past it). */
export const MAX_SIGNATURES = 32;
/** Repeats are summarised at least this often (capture time, ms) ... */
export const REPEAT_WINDOW_MS = 60_000;
/** ... or after this many. */
export const MAX_REPEAT_COUNT = 100_000;

/** Repeats of one operation signature since the last summary. */
interface Repeats {
  op: OpKind;
  code: string;
  target: string | undefined;
  ok: boolean | undefined;
  count: number;
  first: number;
  firstFrame: number | undefined;
  last: number;
  windowStart: number;
  source: string;
}

export class FlowEmitter {
  private readonly memo = new Map<string, string>();
  private anomalies = 0;
  private readonly repeats: Repeats[] = [];

  constructor(
    // `onClose` is required: an emitter over a context without it (such as a hand-built
    // context with the flow's ends swapped) would count repeats and never summarise them.
    private readonly ctx: Pick<AnalyzerContext, 'emit' | 'evidence' | 'anomaly' | 'onClose'> & {
      readonly flow?: AnalyzerContext['flow'];
    },
    /** The protocol named in the events (the analyzer's name). */
    private readonly protocol: string,
  ) {
    ctx.onClose?.(() => this.flush());
  }

  asset(at: Endpoint, facts: AssetFacts, multi = false): void {
    const subject = `${at.mac ?? ''}|${at.ip ?? ''}|${at.vlan ?? ''}|`;
    const value = JSON.stringify(facts);
    const key = multi ? subject + value : subject + Object.keys(facts).sort().join(',');
    const want = multi ? '' : value;
    if (this.memo.get(key) === want) return;
    if (this.memo.size >= MEMO_CAP) this.memo.delete(this.memo.keys().next().value!);
    this.memo.set(key, want);
    this.ctx.emit({
      kind: 'asset.observed',
      // A copy: callers reuse one endpoint (the sender) for several events.
      at: { ...at },
      protocol: this.protocol,
      facts,
      evidence: this.ctx.evidence(),
    });
  }

  /**
   * One industrial operation on this flow (client → server). `code` is the raw function or
   * service code as the protocol's tables write it; `ok` is the response's verdict, left out
   * when no response was seen. `evidence` defaults to the current packet (pass the request's
   * when emitting at the response). The flow's endpoint objects are shared, not copied:
   * operations are the busiest events.
   */
  op(op: OpKind, code: string, target?: string, ok?: boolean, evidence?: Evidence): void {
    const flow = this.ctx.flow;
    if (!flow) return;
    const reps = this.repeats;
    for (let i = 0; i < reps.length; i++) {
      const r = reps[i]!;
      if (r.op !== op || r.code !== code || r.target !== target || r.ok !== ok) continue;
      const ev = evidence ?? this.ctx.evidence();
      if (r.count === 0) {
        r.first = ev.ts;
        r.firstFrame = ev.frame;
        r.source = ev.source;
      }
      r.count++;
      if (ev.ts > r.last) r.last = ev.ts;
      if (r.count >= MAX_REPEAT_COUNT || ev.ts - r.windowStart >= REPEAT_WINDOW_MS) this.summarise(r);
      return;
    }
    const ev: OpObserved = {
      kind: 'op.observed',
      client: flow.client,
      server: flow.server,
      protocol: this.protocol,
      op,
      code,
      evidence: evidence ?? this.ctx.evidence(),
    };
    if (target !== undefined) ev.target = target;
    if (ok !== undefined) ev.ok = ok;
    this.ctx.emit(ev);
    if (reps.length >= MAX_SIGNATURES) this.summarise(reps.shift()!);
    reps.push({
      op,
      code,
      target,
      ok,
      count: 0,
      first: 0,
      firstFrame: undefined,
      last: 0,
      windowStart: ev.evidence.ts,
      source: ev.evidence.source,
    });
  }

  /** Emit every pending summary of repeats (the engine calls this when the flow ends). */
  flush(): void {
    for (const r of this.repeats) this.summarise(r);
  }

  private summarise(r: Repeats): void {
    const flow = this.ctx.flow;
    if (r.count > 0 && flow) {
      const evidence: Evidence = { source: r.source, ts: r.first };
      if (r.firstFrame !== undefined) evidence.frame = r.firstFrame;
      const ev: OpObserved = {
        kind: 'op.observed',
        client: flow.client,
        server: flow.server,
        protocol: this.protocol,
        op: r.op,
        code: r.code,
        evidence,
        count: r.count,
        last: r.last,
      };
      if (r.target !== undefined) ev.target = r.target;
      if (r.ok !== undefined) ev.ok = r.ok;
      this.ctx.emit(ev);
    }
    r.count = 0;
    r.windowStart = r.last;
  }

  anomaly(code: string, detail: string): void {
    if (this.anomalies++ < MAX_ANOMALIES) this.ctx.anomaly(code, detail);
  }
}

/**
 * An emitter for the operations the flow's server starts: the same context (every member,
 * present and future, `onClose` included, so its summaries are flushed) with the flow's ends
 * swapped. For server-initiated requests (unsolicited responses, a gateway answering from
 * another port, peers that both use the well-known port).
 */
export function reversedEmitter(ctx: AnalyzerContext, protocol: string): FlowEmitter {
  const flow = ctx.flow;
  return new FlowEmitter(
    Object.create(ctx, {
      flow: { value: { transport: flow.transport, client: flow.server, server: flow.client } },
    }),
    protocol,
  );
}
