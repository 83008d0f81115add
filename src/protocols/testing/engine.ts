/**
 * Test support for the protocol analyzers' tests, through the capture engine (excluded from
 * the build; never import it from analyzer code): golden traces (DESIGN.md "Golden tests on
 * tiny traces") and fuzzed frames that must not make any analyzer throw.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { analyzeBytes } from '../../capture/analyze.js';
import type { AssetObserved, LineguardEvent, OpObserved } from '../../events/types.js';
import { writePcap } from '../../sim/pcap-writer.js';
import { lcg } from './parsers.js';

export { anomalies } from '../../capture/testing/support.js';

export function assets(events: LineguardEvent[]): AssetObserved[] {
  return events.filter((e): e is AssetObserved => e.kind === 'asset.observed');
}

/**
 * The operations among `events`, one entry per operation: an event summarising `count`
 * repeats of one operation (FlowEmitter's repeat summaries) stands for `count` of them, at
 * the frame of the first; in frame order. Tests that count or list operations go through
 * this, so that every operation is still asserted however the emitter folds repeats.
 */
export function operations(events: LineguardEvent[]): OpObserved[] {
  const out: OpObserved[] = [];
  for (const e of events) {
    if (e.kind !== 'op.observed') continue;
    const n = e.count ?? 1;
    for (let i = 0; i < n; i++) out.push(e);
  }
  return out.sort((a, b) => (a.evidence.frame ?? 0) - (b.evidence.frame ?? 0));
}

/**
 * Runs frames through the engine with the registry's analyzers and compares their asset and
 * anomaly events with `<name>.golden.json` beside the test (`testUrl`: its `import.meta.url`).
 * `UPDATE_GOLDEN=1` rewrites the file instead. No analyzer may throw.
 */
export async function golden(testUrl: string, name: string, frames: Buffer[]): Promise<LineguardEvent[]> {
  const { events, summary } = await analyzeBytes(writePcap(frames), { source: name });
  expect(summary.analyzerErrors).toBe(0);
  const got = events.filter((e) => e.kind === 'asset.observed' || e.kind === 'anomaly.observed');
  const file = fileURLToPath(new URL(`./${name}.golden.json`, testUrl));
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, `${JSON.stringify(got, null, 2)}\n`);
  expect(existsSync(file), `${file} missing: run with UPDATE_GOLDEN=1`).toBe(true);
  expect(got).toEqual(JSON.parse(readFileSync(file, 'utf8')));
  return got;
}

/** Random byte flips past `from` in every frame, run through the whole engine: analyzers never throw. */
export async function fuzzFrames(frames: Buffer[], from: number, rounds = 40): Promise<void> {
  const rand = lcg(0x5eed);
  const out: Buffer[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const f of frames) {
      const m = Buffer.from(f);
      for (let k = 0; k <= r % 4; k++) m[from + (rand() % Math.max(1, m.length - from))] = rand() & 0xff;
      out.push(m);
    }
  }
  const { summary } = await analyzeBytes(writePcap(out));
  expect(summary.analyzerErrors).toBe(0);
}
