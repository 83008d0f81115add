/**
 * Test support (excluded from the build): identity recall against a public capture's tshark
 * truth file. Every truth `identity` fact whose key starts with one of `prefixes` must appear,
 * same value, in an `asset.observed` about the same subject (the truth map's key is a MAC or
 * an IP). Used by the goose, profinet_dcp and opcua tests.
 */
import { readFileSync } from 'node:fs';
import type { LineguardEvent } from '../../events/types.js';
import { PCAPS } from './captures.js';
import { assets } from './engine.js';

interface Truth {
  identity: Record<string, Record<string, string[]>>;
}

/**
 * The truth facts our events miss, as "subject key=value" lines. `subjectOf` maps a truth
 * subject to ours where the truth tool keyed it differently (it keys IPv6 hosts as "").
 */
export function missingFacts(
  capture: string,
  events: LineguardEvent[],
  prefixes: readonly string[],
  subjectOf: (key: string) => string = (k) => k,
): { wanted: number; missing: string[] } {
  const truth = JSON.parse(readFileSync(`${PCAPS}${capture}.truth.json`, 'utf8')) as Truth;
  const seen = new Set<string>();
  for (const e of assets(events)) {
    for (const [k, v] of Object.entries(e.facts)) {
      if (v === undefined) continue;
      if (e.at.mac) seen.add(`${e.at.mac} ${k}=${v}`);
      if (e.at.ip) seen.add(`${e.at.ip} ${k}=${v}`);
    }
  }
  let wanted = 0;
  const missing: string[] = [];
  for (const [subject, facts] of Object.entries(truth.identity)) {
    for (const [k, values] of Object.entries(facts)) {
      if (!prefixes.some((p) => k.startsWith(p))) continue;
      for (const v of values) {
        wanted++;
        const line = `${subjectOf(subject)} ${k}=${v}`;
        if (!seen.has(line)) missing.push(line);
      }
    }
  }
  return { wanted, missing };
}
