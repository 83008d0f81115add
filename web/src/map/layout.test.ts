import { describe, expect, it } from 'vitest';
import type { GraphEdge, GraphNode } from '../lib/hub-types.js';
import { bandBoxes, bandColumns, layeredLayout } from './layout.js';

const node = (id: string, purdue: GraphNode['purdue'], role: GraphNode['role'] = 'unknown'): GraphNode => ({
  id,
  label: id,
  role,
  purdue,
});
const edge = (source: string, target: string): GraphEdge => ({
  source,
  target,
  protocols: ['modbus'],
  ops: {},
  packets: 1,
  bytes: 60,
});

describe('Purdue layered layout', () => {
  it('stacks the levels, enterprise on top, field at the bottom, unknown below', () => {
    const nodes = [node('f', 0), node('u', null), node('e', 4), node('c', 1), node('s', 2), node('o', 3)];
    const p = layeredLayout(nodes, []);
    const y = (id: string) => p.get(id)!.y;
    expect(y('e')).toBeLessThan(y('o'));
    expect(y('o')).toBeLessThan(y('s'));
    expect(y('s')).toBeLessThan(y('c'));
    expect(y('c')).toBeLessThan(y('f'));
    expect(y('f')).toBeLessThan(y('u'));
  });

  it('places each asset below the assets it talks to in the level above', () => {
    const hmis = ['hmi-a', 'hmi-b', 'hmi-c'].map((id) => node(id, 2, 'hmi'));
    // By label the PLCs would go x, y, z; by whom they talk to they go z, y, x.
    const plcs = ['plc-x', 'plc-y', 'plc-z'].map((id) => node(id, 1, 'plc'));
    const edges = [edge('hmi-a', 'plc-z'), edge('hmi-b', 'plc-y'), edge('hmi-c', 'plc-x')];
    const p = layeredLayout([...hmis, ...plcs], edges);
    expect(p.get('plc-z')!.x).toBe(p.get('hmi-a')!.x);
    expect(p.get('plc-y')!.x).toBe(p.get('hmi-b')!.x);
    expect(p.get('plc-x')!.x).toBe(p.get('hmi-c')!.x);
  });

  it('orders unconnected assets by role, then label', () => {
    const p = layeredLayout([node('b', 1, 'rtu'), node('z', 1, 'plc'), node('a', 1, 'plc')], []);
    const xs = ['a', 'z', 'b'].map((id) => p.get(id)!.x);
    expect([...xs].sort((m, n) => m - n)).toEqual(xs);
  });

  it('wraps a large level into rows and keeps every position distinct', () => {
    const nodes = Array.from({ length: 5000 }, (_, i) => node(`n${i}`, (i % 5) as 0 | 1 | 2 | 3 | 4));
    const p = layeredLayout(nodes, []);
    expect(p.size).toBe(5000);
    expect(new Set([...p.values()].map((q) => `${q.x},${q.y}`)).size).toBe(5000);
  });

  it('chooses columns so the plant comes out landscape', () => {
    const cols = bandColumns(5000, 6);
    const o = { spacingX: 104, spacingY: 66, bandGap: 100 };
    const width = cols * o.spacingX;
    const height = Math.ceil(5000 / cols) * o.spacingY + 6 * o.bandGap;
    expect(width / height).toBeGreaterThan(1.2);
    expect(width / height).toBeLessThan(2);
    expect(bandColumns(3, 1)).toBe(8);
  });

  it('boxes each level around its assets, all bands as wide as the widest', () => {
    const nodes = [node('a', 1), node('b', 1), node('c', 3)];
    const pos = new Map([
      ['a', { x: -500, y: 0 }],
      ['b', { x: 500, y: 70 }],
      ['c', { x: 0, y: -300 }],
    ]);
    const [top, bottom] = bandBoxes(nodes, (id) => pos.get(id));
    expect(top!.level).toBe(3);
    expect(bottom!.level).toBe(1);
    expect([top!.x1, top!.x2]).toEqual([bottom!.x1, bottom!.x2]);
    expect(bottom!.x1).toBeLessThan(-500);
    expect(bottom!.x2).toBeGreaterThan(500);
    expect(top!.y1).toBeLessThan(-300);
    expect(top!.y2).toBeGreaterThan(-300);
    expect(top!.y2).toBeLessThan(bottom!.y1);
    expect(bottom!.y2).toBeGreaterThan(70);
    const [single] = bandBoxes([node('x', 2)], () => ({ x: 0, y: 0 }));
    expect(single!.x2 - single!.x1).toBe(360);
  });
});
