import { describe, expect, it } from 'vitest';
import { cidrRange, ipBytes, ipSortKey } from './ipnet.js';

describe('ipnet', () => {
  it('turns addresses into bytes', () => {
    expect(ipBytes('10.10.1.20')).toEqual({ v: 4, bin: Buffer.from([10, 10, 1, 20]) });
    expect(ipBytes('fe80::1%eth0')?.bin.toString('hex')).toBe('fe800000000000000000000000000001');
    expect(ipBytes('2001:db8::8:800:200c:417a')?.bin.toString('hex')).toBe(
      '20010db80000000000080800200c417a',
    );
    expect(ipBytes('::ffff:10.0.0.1')?.bin.toString('hex')).toBe('00000000000000000000ffff0a000001');
    expect(ipBytes('::')?.bin.toString('hex')).toBe('0'.repeat(32));
    expect(ipBytes('1::')?.bin.toString('hex')).toBe(`0001${'0'.repeat(28)}`);
    expect(ipBytes('not an ip')).toBeUndefined();
    expect(ipBytes('10.0.0.256')).toBeUndefined();
  });

  it('sorts IPv4 numerically and before IPv6', () => {
    const ips = ['10.0.0.10', '::1', '10.0.0.9', '9.255.255.255'];
    const sorted = [...ips].sort((a, b) => Buffer.compare(ipSortKey(a)!, ipSortKey(b)!));
    expect(sorted).toEqual(['9.255.255.255', '10.0.0.9', '10.0.0.10', '::1']);
  });

  it('gives the range of a CIDR block', () => {
    const r = cidrRange('10.10.1.77/24')!;
    expect([r.v, r.lo.toString('hex'), r.hi.toString('hex')]).toEqual([4, '0a0a0100', '0a0a01ff']);
    const odd = cidrRange('10.10.1.0/23')!;
    expect([odd.lo.toString('hex'), odd.hi.toString('hex')]).toEqual(['0a0a0000', '0a0a01ff']);
    const six = cidrRange('2001:db8:1::/48')!;
    expect(six.v).toBe(6);
    expect(six.lo.toString('hex')).toBe(`20010db80001${'0'.repeat(20)}`);
    expect(six.hi.toString('hex')).toBe(`20010db80001${'f'.repeat(20)}`);
    expect(cidrRange('0.0.0.0/0')!.hi.toString('hex')).toBe('ffffffff');
    expect(cidrRange('10.0.0.1/32')!.lo.toString('hex')).toBe('0a000001');
  });

  it('rejects what is not a CIDR block', () => {
    for (const bad of ['10.0.0.0', '10.0.0.0/33', '::/129', 'x/8', '10.0.0.0/-1', "10.0.0.0/8' OR 1=1"])
      expect(cidrRange(bad), bad).toBeUndefined();
  });
});
