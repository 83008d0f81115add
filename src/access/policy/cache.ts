/**
 * Decisions already made, keyed by everything Cedar was given except time, each valid until
 * the first moment a time-derived input would change (the next minute, the MFA's next minute
 * of age, the certificate's end). Any change to policies, grants, users or assets moves the
 * epoch, which empties the cache. Bounded: when full it starts over (pollers repeat a handful
 * of requests, so it refills at once).
 */
import type { Decision } from './decision.js';

export interface Entry {
  decision: Decision;
  until: number;
}

export class DecisionCache {
  private map = new Map<string, Entry>();
  hits = 0;
  misses = 0;
  /** Moves on every clear: memos built on this cache (SessionDecisions) check it. */
  generation = 0;

  constructor(private readonly capacity = 65_536) {}

  get(key: string, at: number): Decision | undefined {
    return this.entry(key, at)?.decision;
  }

  /** The decision with the time it stays valid until. */
  entry(key: string, at: number): Entry | undefined {
    const e = this.map.get(key);
    if (e !== undefined && at < e.until) {
      this.hits++;
      return e;
    }
    this.misses++;
    return undefined;
  }

  set(key: string, decision: Decision, until: number): Entry {
    if (this.map.size >= this.capacity) this.map = new Map();
    const e = { decision, until };
    this.map.set(key, e);
    return e;
  }

  clear(): void {
    this.map = new Map();
    this.generation++;
  }

  get size(): number {
    return this.map.size;
  }
}
