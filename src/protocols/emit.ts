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
 * - `anomaly(code, detail)`: the first `MAX_ANOMALIES` of a flow go out, the rest are dropped.
 */
import type { AssetFacts, Endpoint, Evidence, OpKind, OpObserved } from '../events/types.js';
import type { AnalyzerContext } from './analyzer.js';

/** Remembered fact sets per flow. */
export const MEMO_CAP = 256;
/** Anomalies emitted per flow. */
export const MAX_ANOMALIES = 64;

export class FlowEmitter {
  private readonly memo = new Map<string, string>();
  private anomalies = 0;

  constructor(
    private readonly ctx: Pick<AnalyzerContext, 'emit' | 'evidence' | 'anomaly'> & {
      readonly flow?: AnalyzerContext['flow'];
    },
    /** The protocol named in the events (the analyzer's name). */
    private readonly protocol: string,
  ) {}

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
  }

  anomaly(code: string, detail: string): void {
    if (this.anomalies++ < MAX_ANOMALIES) this.ctx.anomaly(code, detail);
  }
}
