/**
 * The public capture corpus against tshark's reading of it (`*.truth.json`): every packet
 * counted, every IPv4 host and MAC tshark saw is in our summary.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../src/capture/analyze.js';
import { SHARED_PCAPS, sharedCaptures, type Truth } from './shared.js';

const captures = sharedCaptures();

describe.skipIf(captures === null)('shared capture corpus (tshark truth)', () => {
  it('has captures to test', () => {
    expect(captures!.length).toBeGreaterThan(50);
  });

  for (const { capture, truth } of captures ?? []) {
    it(relative(SHARED_PCAPS, capture), async () => {
      const t = JSON.parse(readFileSync(truth, 'utf8')) as Truth;
      const s = await analyze([capture]);
      expect(s.inputs[0]!.error).toBeUndefined();
      expect(s.packets).toBe(t.packets);
      const ips = new Set(s.hosts.map((h) => h.ip));
      expect(t.ipv4_hosts.filter((ip) => !ips.has(ip))).toEqual([]);
      const macs = new Set(s.macs);
      expect(t.macs.filter((m) => !macs.has(m))).toEqual([]);
      expect(s.analyzerErrors).toBe(0);
    });
  }
});
