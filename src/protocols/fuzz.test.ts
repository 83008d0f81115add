/**
 * Fuzzing at the analyzer boundary, the short run (`npm run fuzz` is the long one): every
 * analyzer in the registry gets mutated flows recorded from the corpus (../shared/pcaps where
 * present, the sample plant) with a fixed seed. No exception may escape, no flow may flood,
 * a long flow's retained memory and the heap across the run stay bounded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectSeeds, type FuzzResult, fuzzTarget, gc } from './testing/fuzz.js';

const ITERATIONS = 3000;
const SEED = 0x5eed_f022;
/** Generous: the heap after GC may grow this much over the whole run (the script's bound is tighter). */
const HEAP_BOUND_MIB = 128;

const seeds = await collectSeeds();

function explain(r: FuzzResult): string {
  return r.failures
    .map((f) =>
      [
        `${f.label}: ${f.kind} at iteration ${f.iteration} (seed ${f.runSeed}, iteration seed ${f.seed}; from ${f.origin}): ${f.message}`,
        f.stack?.split('\n').slice(0, 8).join('\n') ?? '',
        f.input,
        `replay: npm run fuzz -- --only ${f.label} --seed ${f.runSeed} --replay ${f.iteration} --no-golden`,
      ].join('\n'),
    )
    .join('\n\n');
}

describe(`analyzers on mutated corpus flows (${ITERATIONS} per analyzer, seed ${SEED})`, () => {
  let heapBefore = 0;
  beforeAll(() => {
    gc()();
    heapBefore = process.memoryUsage().heapUsed;
  });

  it('every registry analyzer has seeds; the unmutated corpus makes none throw', () => {
    for (const t of seeds.targets.filter((t) => t.synthetic))
      console.warn(`fuzz: no recorded flow reached ${t.label}: fuzzed from random bytes only`);
    expect(seeds.targets.length).toBeGreaterThan(0);
    expect(seeds.analyzerErrors).toBe(0);
  });

  for (const t of seeds.targets) {
    it(`${t.label}: no exception, no flood, bounded long flow`, () => {
      const r = fuzzTarget(t, {
        iterations: ITERATIONS,
        seed: SEED,
        heapEvery: 0,
        longFlowBytes: 256 << 10,
        longFlowBoundMiB: 8,
      });
      expect(r.iterations).toBe(ITERATIONS);
      expect(r.failures, explain(r)).toEqual([]);
    });
  }

  afterAll(() => {
    gc()();
    const grown = (process.memoryUsage().heapUsed - heapBefore) / (1 << 20);
    expect(grown, `heap after GC grew ${grown.toFixed(1)} MiB over the fuzz run`).toBeLessThan(
      HEAP_BOUND_MIB,
    );
  });
});
