/**
 * Every shared capture truncated at random offsets and with random byte flips: the reader
 * and decoders never throw; a broken input comes back as an error with a code and an offset,
 * and what came before it is still counted.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeBytes } from '../src/capture/analyze.js';
import { rng } from '../src/testing/random.js';
import { SHARED_PCAPS, sharedCaptures } from './shared.js';

const captures = sharedCaptures();
/** Mutations per capture; large captures get fewer (each run walks the whole file). */
const MUTATIONS = Number(process.env.LINEGUARD_FUZZ_MUTATIONS ?? 24);

function mutate(orig: Buffer, next: () => number): Buffer {
  const kind = next();
  if (kind < 0.35) return Buffer.from(orig.subarray(0, Math.floor(next() * orig.length)));
  const b = Buffer.from(orig);
  const flips = 1 + Math.floor(next() * 16);
  for (let i = 0; i < flips; i++) b[Math.floor(next() * b.length)] = Math.floor(next() * 256);
  if (kind < 0.7) return b;
  // Splice a run of garbage somewhere, then cut.
  const at = Math.floor(next() * b.length);
  const junk = Buffer.from(
    Array.from({ length: 1 + Math.floor(next() * 64) }, () => Math.floor(next() * 256)),
  );
  return Buffer.concat([b.subarray(0, at), junk, b.subarray(at, Math.floor(at + next() * (b.length - at)))]);
}

describe.skipIf(captures === null)('robustness on mutated shared captures', () => {
  for (const { capture } of captures ?? []) {
    it(relative(SHARED_PCAPS, capture), async () => {
      const orig = readFileSync(capture);
      const next = rng(orig.length);
      const n = orig.length > 1_000_000 ? 3 : MUTATIONS;
      for (let i = 0; i < n; i++) {
        const input = mutate(orig, next);
        const { summary } = await analyzeBytes(input, { source: 'mutant' });
        const err = summary.inputs[0]!.error;
        if (err) {
          expect(err.code).toMatch(/^(not-a-capture|truncated|bad-length|bad-block|unsupported)$/);
          expect(err.offset).toBeGreaterThanOrEqual(0);
          expect(err.offset).toBeLessThanOrEqual(input.length);
        }
        expect(summary.analyzerErrors).toBe(0);
      }
    });
  }
});
