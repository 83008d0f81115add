/**
 * Decisions already made, keyed by everything Cedar was given except time, each valid until
 * the first moment a time-derived input would change (the next minute, the MFA's next minute
 * of age, the certificate's end). Any change to policies, grants, users or assets moves the
 * epoch, which empties the cache. Bounded: when full it starts over (pollers repeat a handful
 * of requests, so it refills at once).
 */
import type { Decision } from './decision.js';

interface Entry {
  decision: Decision;
  until: number;
}

export class DecisionCache {
  private map = new Map<string, Entry>();
  hits = 0;
  misses = 0;

  constructor(private readonly capacity = 65_536) {}

  get(key: string, at: number): Decision | undefined {
    const e = this.map.get(key);
    if (e !== undefined && at < e.until) {
      this.hits++;
      return e.decision;
    }
    this.misses++;
    return undefined;
  }

  set(key: string, decision: Decision, until: number): void {
    if (this.map.size >= this.capacity) this.map = new Map();
    this.map.set(key, { decision, until });
  }

  clear(): void {
    this.map = new Map();
  }

  get size(): number {
    return this.map.size;
  }
}
