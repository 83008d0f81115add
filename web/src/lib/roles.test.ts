import { describe, expect, it } from 'vitest';
import type { Role } from './hub-types.js';
import {
  isRole,
  PURDUE_LEVELS,
  purdueBadge,
  purdueColour,
  purdueName,
  ROLE_STYLE,
  ROLES,
  textOn,
} from './roles.js';

/** WCAG contrast ratio of two #rrggbb colours. */
function contrast(a: string, b: string): number {
  const lum = (hex: string) => {
    const n = Number.parseInt(hex.slice(1), 16);
    const c = (v: number) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * c((n >> 16) & 255) + 0.7152 * c((n >> 8) & 255) + 0.0722 * c(n & 255);
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p) as [number, number];
  return (x + 0.05) / (y + 0.05);
}

describe('role styles', () => {
  it('gives every role a distinct colour and a short badge', () => {
    const colours = ROLES.map((r) => ROLE_STYLE[r].colour);
    expect(new Set(colours).size).toBe(ROLES.length);
    for (const r of ROLES) expect(ROLE_STYLE[r].short.length).toBeLessThanOrEqual(5);
  });

  it('draws controllers as rounded rectangles, the engineering workstation as a diamond', () => {
    expect(ROLE_STYLE.plc.shape).toBe('round-rectangle');
    expect(ROLE_STYLE.plc.group).toBe('control');
    expect(ROLE_STYLE['engineering-workstation'].shape).toBe('diamond');
  });

  it('recognises roles and nothing else', () => {
    expect(isRole('plc')).toBe(true);
    expect(isRole('toString')).toBe(false);
    expect(isRole('PLC')).toBe(false);
  });

  it('keeps badge text readable on every role colour', () => {
    for (const r of ROLES as Role[]) {
      const bg = ROLE_STYLE[r].colour;
      expect(contrast(bg, textOn(bg)), `${r} ${bg}`).toBeGreaterThanOrEqual(3);
    }
    expect(textOn('#ffffff')).toBe('#1b232b');
    expect(textOn('#000000')).toBe('#ffffff');
  });
});

describe('Purdue levels', () => {
  it('lists enterprise first and unknown last, each with a badge, a name and a colour', () => {
    expect(PURDUE_LEVELS).toEqual([4, 3, 2, 1, 0, null]);
    expect(PURDUE_LEVELS.map(purdueBadge)).toEqual(['L4', 'L3', 'L2', 'L1', 'L0', 'L?']);
    expect(purdueName(1)).toBe('Basic control');
    expect(purdueName(null)).toBe('Level unknown');
    for (const l of PURDUE_LEVELS) expect(purdueColour(l)).toMatch(/^#[0-9a-f]{6}$/);
  });
});
