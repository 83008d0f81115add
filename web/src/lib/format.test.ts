import { describe, expect, it } from 'vitest';
import { ago, assetIdText, assetTitle, bytes, count, dateTime, percent } from './format.js';

describe('formatting', () => {
  it('counts with thousands separators', () => {
    expect(count(0)).toBe('0');
    expect(count(5011)).toBe('5,011');
    expect(count(1234567)).toBe('1,234,567');
  });

  it('sizes in binary units, one decimal below ten', () => {
    expect(bytes(0)).toBe('0 B');
    expect(bytes(1023)).toBe('1023 B');
    expect(bytes(1536)).toBe('1.5 KiB');
    expect(bytes(512 * 1024 * 1024)).toBe('512 MiB');
    expect(bytes(3 * 1024 ** 4)).toBe('3.0 TiB');
  });

  it('writes local times year first, and a dash for no time', () => {
    expect(dateTime(new Date(2026, 0, 12, 6, 0, 5).getTime())).toBe('2026-01-12 06:00:05');
    expect(dateTime(new Date(2025, 10, 3, 17, 4, 9, 999).getTime())).toBe('2025-11-03 17:04:09');
    expect(dateTime(0)).toBe('—');
    expect(dateTime(Number.NaN)).toBe('—');
  });

  it('says how long ago', () => {
    const now = 1_000_000_000;
    expect(ago(now - 200, now)).toBe('now');
    expect(ago(now - 42_000, now)).toBe('42 s ago');
    expect(ago(now - 5 * 60_000, now)).toBe('5 min ago');
    expect(ago(now - 3 * 3_600_000, now)).toBe('3 h ago');
    expect(ago(now - 4 * 86_400_000, now)).toBe('4 d ago');
    expect(ago(now + 90_000, now)).toBe('in 1 min');
  });

  it('rounds fractions to percent', () => {
    expect(percent(0.994)).toBe('99%');
    expect(percent(0.5)).toBe('50%');
  });

  it('names assets by name, then IP, then MAC, then id', () => {
    const a = { id: 'mac:00:80:f4:12:34:01', names: [], ips: [], macs: [] };
    expect(assetTitle(a)).toBe('00:80:f4:12:34:01');
    expect(assetTitle({ ...a, macs: ['00:80:f4:12:34:01'], ips: ['10.10.1.20'] })).toBe('10.10.1.20');
    expect(assetTitle({ ...a, ips: ['10.10.1.20'], names: ['plc-weld-01'] })).toBe('plc-weld-01');
  });

  it('strips only a kind prefix from ids', () => {
    expect(assetIdText('ip:10.10.1.20')).toBe('10.10.1.20');
    expect(assetIdText('ip:fe80::1')).toBe('fe80::1');
    expect(assetIdText('mac:00:80:f4:12:34:01')).toBe('00:80:f4:12:34:01');
    expect(assetIdText('00:80:f4:12:34:01')).toBe('00:80:f4:12:34:01');
  });
});
