import { describe, expect, it } from 'vitest';
import { perSecond } from './render.js';

describe('perSecond', () => {
  it('writes a rate in M, k or units, never 0.00 M for a small capture', () => {
    expect(perSecond(4_020_000)).toBe('4.02 M');
    expect(perSecond(1_000_000)).toBe('1.00 M');
    expect(perSecond(864_012)).toBe('864.0 k');
    expect(perSecond(1_000)).toBe('1.0 k');
    expect(perSecond(14.4)).toBe('14');
    expect(perSecond(0)).toBe('0');
  });
});
