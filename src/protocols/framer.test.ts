import { describe, expect, it } from 'vitest';
import { rng } from '../testing/random.js';
import { StreamFramer } from './framer.js';

/**
 * A toy protocol with a two-byte header — a marker 0x7e, then the total length (≥ 2) — so a
 * lone first byte cannot be measured and the framer has to stash ahead.
 */
const measure = (buf: Buffer, off: number, avail: number) =>
  avail < 1 ? 0 : buf[off] !== 0x7e ? -1 : avail < 2 ? 0 : buf[off + 1]! < 2 ? -1 : buf[off + 1]!;
const m = (...body: number[]) => [0x7e, body.length + 2, ...body];

function framer(max = 256) {
  const messages: string[] = [];
  const errors: string[] = [];
  const f = new StreamFramer(
    measure,
    (b, o, l) => messages.push(b.subarray(o, o + l).toString('hex')),
    (e, d) => errors.push(`${e}: ${d}`),
    max,
  );
  return { f, messages, errors };
}

const stream = Buffer.from([...m(0xaa), ...m(), ...m(1, 2, 3), ...m(0xdd)]);
const expected = ['7e03aa', '7e02', '7e05010203', '7e03dd'];

describe('StreamFramer', () => {
  it('cuts messages that share a delivery, in place', () => {
    const { f, messages } = framer();
    f.push(stream, 0, stream.length);
    expect(messages).toEqual(expected);
  });

  it('gives the same messages whatever the segmentation (every split, random splits)', () => {
    for (let cut = 1; cut < stream.length; cut++) {
      const { f, messages, errors } = framer();
      f.push(stream, 0, cut);
      f.push(stream, cut, stream.length - cut);
      expect(messages, `cut at ${cut}`).toEqual(expected);
      expect(errors).toEqual([]);
    }
    const next = rng(7);
    for (let round = 0; round < 500; round++) {
      const { f, messages } = framer();
      for (let pos = 0; pos < stream.length; ) {
        const n = 1 + Math.floor(next() * 4);
        f.push(stream, pos, Math.min(n, stream.length - pos));
        pos += n;
      }
      expect(messages).toEqual(expected);
    }
  });

  it('keeps messages that arrive after a short one inside the header bytes it stashed', () => {
    // Byte by byte the framer stashes; then one delivery holds the rest of several messages.
    const { f, messages } = framer();
    f.push(stream, 0, 1);
    f.push(stream, 1, stream.length - 1);
    expect(messages).toEqual(expected);
    const two = framer();
    two.f.push(Buffer.from([0x7e]), 0, 1);
    two.f.push(Buffer.from([2, 0x7e, 3, 0xdd, 0x7e, 4, 1]), 0, 7);
    two.f.push(Buffer.from([2]), 0, 1);
    expect(two.messages).toEqual(['7e02', '7e03dd', '7e040102']);
  });

  it('reports an invalid header and a message over the cap, then stays quiet until resync', () => {
    const bad = framer();
    bad.f.push(Buffer.from([0x7e, 2, 9, 0]), 0, 4);
    expect(bad.messages).toEqual(['7e02']);
    expect(bad.errors).toEqual(['invalid: bad message header at stream offset +2']);
    bad.f.push(Buffer.from([0x7e, 2]), 0, 2);
    expect(bad.messages).toEqual(['7e02']);
    bad.f.resync();
    bad.f.push(Buffer.from([0x7e, 2]), 0, 2);
    expect(bad.messages).toEqual(['7e02', '7e02']);
    const big = framer(16);
    big.f.push(Buffer.from([0x7e, 200]), 0, 2);
    expect(big.errors).toEqual(['too-large: message of 200 bytes']);
  });
});
