import { describe, expect, it } from 'vitest';
import type { GraphEdge, GraphNode } from '../lib/hub-types.js';
import { bandBoxes, bandColumns, fitViewport, layeredLayout } from './layout.js';

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

  it('keeps a wrapped level in its peers’ order from left to right', () => {
    // 40 HMIs above 120 PLCs, three each: every PLC sits within its HMI's share of the width.
    const hmis = Array.from({ length: 40 }, (_, i) => node(`hmi-${String(i).padStart(2, '0')}`, 2, 'hmi'));
    const plcs = Array.from({ length: 120 }, (_, i) =>
      node(`plc-${String(119 - i).padStart(3, '0')}`, 1, 'plc'),
    );
    const edges = plcs.map((p, i) => edge(hmis[Math.floor(i / 3)]!.id, p.id));
    const pos = layeredLayout([...hmis, ...plcs], edges);
    const xs = (ids: string[]) => ids.map((id) => pos.get(id)!.x);
    const hmiX = xs(hmis.map((h) => h.id));
    const plcX = xs(plcs.map((p) => p.id));
    expect(new Set([...pos.values()].map((p) => p.y)).size).toBeGreaterThan(2); // the bands wrapped
    for (let i = 1; i < plcs.length; i++) expect(plcX[i]!).toBeGreaterThanOrEqual(plcX[i - 1]!);
    for (let i = 1; i < hmis.length; i++) expect(hmiX[i]!).toBeGreaterThanOrEqual(hmiX[i - 1]!);
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

  it('fits the map into the view without asking cytoscape to measure it', () => {
    const o = { padding: 20, minZoom: 0.02, maxZoom: 4 };
    // 1000×500 model units into 540×290 pixels: zoom 0.5, centred.
    const v = fitViewport({ x1: -500, y1: 0, x2: 500, y2: 500 }, 540, 290, o);
    expect(v.zoom).toBe(0.5);
    expect(v.pan).toEqual({ x: 270, y: 20 });
    // The centre of the bounds lands in the centre of the view.
    expect(0 * v.zoom + v.pan.x).toBe(270);
    expect(250 * v.zoom + v.pan.y).toBe(145);
    expect(fitViewport({ x1: 0, y1: 0, x2: 1, y2: 1 }, 800, 600, o).zoom).toBe(4);
    expect(fitViewport({ x1: 0, y1: 0, x2: 1e7, y2: 1e7 }, 800, 600, o).zoom).toBe(0.02);
  });
});
