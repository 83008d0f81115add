import { describe, expect, it } from 'vitest';
import { changesProcess, opEntries, opRisk, worstOp } from './ops.js';

describe('operation weight', () => {
  it('ranks program and control above write above the rest', () => {
    expect(opRisk('program')).toBe('high');
    expect(opRisk('control')).toBe('high');
    expect(opRisk('write')).toBe('medium');
    expect(opRisk('read')).toBe('low');
    expect(changesProcess('identify')).toBe(false);
  });

  it('names the most serious operation in a set of counts', () => {
    expect(worstOp({ read: 120, write: 1 })).toBe('write');
    expect(worstOp({ write: 5, control: 1 })).toBe('control');
    expect(worstOp({ read: 3, identify: 1 })).toBeUndefined();
    expect(worstOp({ program: 0 })).toBeUndefined();
  });

  it('lists non-zero counts most serious first', () => {
    expect(opEntries({ read: 120, identify: 1, program: 2, other: 0 })).toEqual([
      ['program', 2],
      ['read', 120],
      ['identify', 1],
    ]);
  });
});
