import { describe, expect, it } from 'vitest';
import type { Graph } from '../lib/hub-types.js';
import { edgeRisk, edgeWidth, toElements } from './elements.js';
import { layeredLayout } from './layout.js';

const graph: Graph = {
  nodes: [
    { id: 'ip:10.10.0.30', label: 'ENG-WS-01', role: 'engineering-workstation', purdue: 2 },
    { id: 'ip:10.10.1.10', label: 'hmi-01', role: 'hmi', purdue: 2 },
    { id: 'mac:00:80:f4:12:34:01', label: 'plc-01', role: 'plc', purdue: 1, vendor: 'Schneider Electric' },
  ],
  edges: [
    {
      source: 'ip:10.10.1.10',
      target: 'mac:00:80:f4:12:34:01',
      protocols: ['arp', 'modbus'],
      ops: { read: 120 },
      packets: 240,
      bytes: 17040,
    },
    {
      source: 'ip:10.10.0.30',
      target: 'mac:00:80:f4:12:34:01',
      protocols: ['s7comm'],
      ops: { read: 3, program: 1 },
      packets: 40,
      bytes: 9000,
    },
    { source: 'ip:10.10.0.30', target: 'ip:10.99.9.9', protocols: ['dns'], ops: {}, packets: 2, bytes: 200 },
  ],
};

describe('map elements', () => {
  const built = toElements(graph, layeredLayout(graph.nodes, graph.edges));
  const byId = new Map(built.elements.map((e) => [e.data.id, e]));

  it('draws a band per populated level and every asset with its role style', () => {
    expect(byId.get('level-2')?.data.label).toBe('L2\nSupervisory control\n2 assets');
    expect(byId.get('level-1')?.data.band).toBe(true);
    expect(byId.has('level-0')).toBe(false);
    const plc = byId.get('mac:00:80:f4:12:34:01')!;
    expect(plc.data).toMatchObject({
      role: 'plc',
      shape: 'round-rectangle',
      colour: '#1f5fbf',
      control: true,
      level: 1,
    });
    expect(plc.position).toBeDefined();
  });

  it('colours edges by their industrial protocol and marks process-changing ones', () => {
    const edges = built.elements.filter((e) => e.group === 'edges');
    expect(edges.map((e) => [e.data.protocol, e.data.colour, e.data.risk, e.data.label])).toEqual([
      ['modbus', '#1f77b4', 'none', ''],
      ['s7comm', '#2b8a3e', 'high', 'program'],
    ]);
    expect(built).toMatchObject({ nodes: 3, edges: 2, risky: 1 });
  });

  it('leaves out edges to assets the graph does not list', () => {
    expect(built.elements.some((e) => e.data.target === 'ip:10.99.9.9')).toBe(false);
  });

  it('weighs write below program and control, and widens busy links up to a limit', () => {
    const e = graph.edges[0]!;
    expect(edgeRisk({ ...e, ops: { write: 2 } })).toBe('medium');
    expect(edgeRisk({ ...e, ops: { control: 1, write: 2 } })).toBe('high');
    expect(edgeRisk({ ...e, ops: { read: 9 } })).toBe('none');
    expect(edgeWidth(1)).toBe(1);
    expect(edgeWidth(1000)).toBeGreaterThan(edgeWidth(10));
    expect(edgeWidth(1e12)).toBe(5);
  });
});
