import { describe, expect, it } from 'vitest';
import { rng } from '../testing/random.js';
import type { Flow } from './flow.js';
import { FlowKey } from './flow.js';
import { FlowTable } from './flowtable.js';

const FIELDS = ['meta', 'ports', 'a0', 'a1', 'a2', 'a3', 'b0', 'b1', 'b2', 'b3'] as const;

function keyString(k: Readonly<Record<(typeof FIELDS)[number], number>>): string {
  return FIELDS.map((f) => k[f]).join(',');
}

describe('FlowTable', () => {
  it('matches a Map over 100k random inserts, finds and removes with forced collisions and wrap-around', () => {
    const next = rng(12345);
    // 512 slots and at most ~200 live flows: the table never grows, so every home slot is
    // chosen by us. Homes cluster in the last 4 slots and a few early ones: probe chains
    // run off the end of the array and wrap to slot 0, where backward-shift deletion has to
    // move entries across the boundary.
    const table = new FlowTable(512);
    const ref = new Map<string, Flow>();
    const k = new FlowKey();
    const homes = [508, 509, 510, 511, 0, 1, 2, 200];
    let finds = 0;
    let removes = 0;
    for (let op = 0; op < 100_000; op++) {
      // Keys from a small space so the same flows come back; the hash is a function of the
      // key (as computeHash is) but crushed onto a few homes, with varying high bits.
      const id = Math.floor(next() * 400);
      k.meta = id % 3;
      k.ports = (id * 7919) & 0xffffffff;
      k.a0 = id >>> 2;
      k.a1 = k.a2 = k.a3 = 0;
      k.b0 = id & 3;
      k.b1 = k.b2 = k.b3 = 0;
      k.hash = ((((id * 2654435761) >>> 9) << 9) | homes[id % homes.length]!) >>> 0;
      const s = keyString(k);
      const r = next();
      const have = ref.get(s);
      if (r < 0.45) {
        if (table.find(k) !== have) expect.fail(`op ${op}: find before insert`);
        if (!have && ref.size < 200) {
          const f = table.insert(k);
          expect(keyString(f)).toBe(s);
          expect(f.hash).toBe(k.hash);
          ref.set(s, f);
        }
      } else if (r < 0.75) {
        finds++;
        if (table.find(k) !== have) expect.fail(`op ${op}: find`);
      } else if (have) {
        removes++;
        table.remove(have);
        ref.delete(s);
        if (table.find(k) !== undefined) expect.fail(`op ${op}: found after remove`);
      }
      if (table.count !== ref.size) expect.fail(`op ${op}: count ${table.count} != ${ref.size}`);
      if (op % 5000 === 0) {
        // Every live flow is still reachable, and nothing else is.
        for (const f of ref.values()) {
          const kk = new FlowKey();
          for (const name of FIELDS) kk[name] = f[name];
          kk.hash = f.hash;
          expect(table.find(kk)).toBe(f);
        }
        expect(table.live().length).toBe(ref.size);
      }
    }
    expect(finds).toBeGreaterThan(20_000);
    expect(removes).toBeGreaterThan(5_000);
    for (const f of table.live()) expect(ref.get(keyString(f))).toBe(f);
  });

  it('keys equal in hash but different in any one field are different flows', () => {
    const table = new FlowTable(16);
    const k = new FlowKey();
    const made: Flow[] = [];
    for (const name of FIELDS) {
      for (const f of FIELDS) k[f] = 1;
      k[name] = 2;
      k.hash = 0xabcdef;
      expect(table.find(k)).toBeUndefined();
      made.push(table.insert(k));
    }
    for (const [i, name] of FIELDS.entries()) {
      for (const f of FIELDS) k[f] = 1;
      k[name] = 2;
      expect(table.find(k)).toBe(made[i]);
    }
    for (const f of FIELDS) k[f] = 1;
    expect(table.find(k)).toBeUndefined();
  });

  it('grows past its initial capacity with real hashes and keeps every flow', () => {
    const table = new FlowTable(16);
    const k = new FlowKey();
    const flows: Flow[] = [];
    const set = (i: number) => {
      k.meta = (6 << 4) | 4;
      k.ports = ((1024 + (i % 5000)) << 16) | 502;
      k.a0 = 0x0a000000 + Math.floor(i / 5000);
      k.b0 = 0x0a0000fe;
      k.a1 = k.a2 = k.a3 = k.b1 = k.b2 = k.b3 = 0;
      k.computeHash();
    };
    for (let i = 0; i < 20_000; i++) {
      set(i);
      flows.push(table.insert(k));
    }
    expect(table.count).toBe(20_000);
    for (let i = 0; i < 20_000; i++) {
      set(i);
      expect(table.find(k)).toBe(flows[i]);
    }
    // Remove every other one; the rest stay reachable, and freed indexes are reused.
    for (let i = 0; i < 20_000; i += 2) table.remove(flows[i]!);
    for (let i = 0; i < 20_000; i++) {
      set(i);
      expect(table.find(k)).toBe(i % 2 ? flows[i] : undefined);
    }
    set(0);
    const again = table.insert(k);
    expect(again.index).toBeLessThan(20_000);
    expect(table.flows.length).toBe(20_000);
  });

  it('removing a flow twice, or one never inserted, changes nothing', () => {
    const table = new FlowTable(16);
    const k = new FlowKey();
    k.a0 = 1;
    k.computeHash();
    const f = table.insert(k);
    k.a0 = 2;
    k.computeHash();
    const g = table.insert(k);
    table.remove(f);
    table.remove(f);
    expect(table.count).toBe(1);
    expect(table.find(k)).toBe(g);
  });

  it('computeHash depends on every key field', () => {
    const k = new FlowKey();
    const base = k.computeHash();
    for (const name of FIELDS) {
      const kk = new FlowKey();
      kk[name] = 1;
      expect(kk.computeHash(), name).not.toBe(base);
    }
  });
});
