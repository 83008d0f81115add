/**
 * Live sessions through the gateway, and the continuous check that cuts them. Whenever the
 * epoch moves (a grant ends or is revoked, a user is disabled, an asset isolated, a
 * certificate revoked, the policy changes) every live session re-checks its right to be
 * connected on the next turn of the event loop; a one-second tick does the same for what
 * time alone changes (MFA age, time-of-day policies, certificate end).
 */
import type { Epoch } from '../epoch.js';
import type { Reason } from '../policy/reasons.js';

export interface SessionInfo {
  id: string;
  protocol: string;
  user: string;
  device?: string;
  asset: string;
  source: string;
  startedAt: number;
  allowed: number;
  denied: number;
}

export interface LiveSession {
  readonly id: string;
  info(): SessionInfo;
  /** Undefined while the session may go on, else why it may not. */
  recheck(at: number): Reason[] | undefined;
  cut(reason: string): void;
}

export class SessionRegistry {
  private readonly live = new Map<string, LiveSession>();
  private readonly tick: NodeJS.Timeout;
  private pending = false;
  private readonly unsubscribe: () => void;

  constructor(
    epoch: Epoch,
    private readonly clock: () => number,
    tickMs = 1000,
  ) {
    this.unsubscribe = epoch.subscribe(() => {
      if (this.pending) return;
      this.pending = true;
      setImmediate(() => {
        this.pending = false;
        this.recheckAll();
      });
    });
    this.tick = setInterval(() => this.recheckAll(), tickMs);
    this.tick.unref();
  }

  add(s: LiveSession): void {
    this.live.set(s.id, s);
  }

  remove(s: LiveSession): void {
    this.live.delete(s.id);
  }

  list(): SessionInfo[] {
    return [...this.live.values()].map((s) => s.info());
  }

  get size(): number {
    return this.live.size;
  }

  /** The console's kill button. */
  kill(id: string, actor: string): boolean {
    const s = this.live.get(id);
    if (s === undefined) return false;
    s.cut(`killed by ${actor}`);
    return true;
  }

  recheckAll(): void {
    const at = this.clock();
    for (const s of [...this.live.values()]) {
      const why = s.recheck(at);
      if (why !== undefined) s.cut(`access withdrawn: ${why.join(', ')}`);
    }
  }

  close(): void {
    this.unsubscribe();
    clearInterval(this.tick);
    for (const s of [...this.live.values()]) s.cut('gateway stopping');
  }
}
