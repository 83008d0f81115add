/**
 * Test support for the protocol parsers' tests (excluded from the build; never import it from
 * analyzer code): whole-buffer parsing, and the never-throws loops over truncated, mutated and
 * random input (DESIGN.md "Anomalies are data, exceptions are bugs").
 */
import { expect, it } from 'vitest';

export { rng } from '../../testing/random.js';

/**
 * The small LCG (glibc's constants) the fuzz loops share: deterministic, so a failure
 * replays. `shift` drops the weak low bits.
 */
export function lcg(seed: number, shift = 8): () => number {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s >>> shift;
  };
}

/** A parser's calling convention: a message in `buf[off, off + len)`. */
export type ParseFn = (buf: Buffer, off: number, len: number) => unknown;

/** `parse` never throws on any prefix of each sample (every truncation, empty included). */
export function neverThrowsOnTruncations(samples: readonly Buffer[], parse: ParseFn): void {
  for (const s of samples) for (let n = 0; n <= s.length; n++) expect(() => parse(s, 0, n)).not.toThrow();
}

export interface MutationFuzz {
  /** Valid messages; round `i` mutates `samples[i % samples.length]`. */
  samples: readonly Buffer[];
  /** Each is run on every mutated sample and every random buffer. */
  parsers: readonly ParseFn[];
  seed: number;
  /** 10 000 unless said. */
  rounds?: number;
  /** Round `i` flips `1 + i % flips` random bytes (3 unless said). */
  flips?: number;
  /** Random buffers are shorter than this (200 unless said). */
  randomLen?: number;
  /** Makes a random buffer plausible enough to get past the first checks (e.g. a version byte). */
  shape?: (random: Buffer) => void;
}

/**
 * A parser suite's two never-throws tests: every truncation of each sample through each parser
 * ('on every truncation'), then `neverThrowsOnMutations` (named `mutatedTitle`).
 */
export function itNeverThrows(o: MutationFuzz, mutatedTitle = 'on mutations and random bytes'): void {
  it('on every truncation', () => {
    for (const p of o.parsers) neverThrowsOnTruncations(o.samples, p);
  });
  it(mutatedTitle, () => {
    neverThrowsOnMutations(o);
  });
}

/** Parsers never throw on mutated samples nor on random bytes. */
export function neverThrowsOnMutations(o: MutationFuzz): void {
  const rand = lcg(o.seed);
  const { rounds = 10_000, flips = 3, randomLen = 200 } = o;
  for (let i = 0; i < rounds; i++) {
    const b = Buffer.from(o.samples[i % o.samples.length]!);
    for (let k = 0; k < 1 + (i % flips); k++) b[rand() % b.length] = rand() & 0xff;
    for (const parse of o.parsers) expect(() => parse(b, 0, b.length)).not.toThrow();
    const r = Buffer.alloc(rand() % randomLen);
    for (let j = 0; j < r.length; j++) r[j] = rand() & 0xff;
    o.shape?.(r);
    for (const parse of o.parsers) expect(() => parse(r, 0, r.length)).not.toThrow();
  }
}

type Parsed = { ok: true; msg: unknown } | { ok: false; code: string; detail: string };

/**
 * A parser applied to a whole buffer: `parse(b)` gives the result, `ok(b)` the message of a
 * buffer the test expects to parse (a failure throws with its code and detail).
 */
export function wholeBuffer<R extends Parsed>(
  parser: (buf: Buffer, off: number, len: number) => R,
): { parse: (b: Buffer) => R; ok: (b: Buffer) => Extract<R, { ok: true }>['msg'] } {
  const parse = (b: Buffer) => parser(b, 0, b.length);
  return {
    parse,
    ok: (b) => {
      const r = parse(b);
      if (!r.ok) throw new Error(`${r.code}: ${r.detail}`);
      return r.msg;
    },
  };
}
