import { describe, expect, it } from 'vitest';
import type { Graph } from '../lib/hub-types.js';
import { connectionsOf, findNodes } from './connections.js';

const graph: Graph = {
  nodes: [
    { id: 'ip:10.10.0.30', label: 'ENG-WS-01', role: 'engineering-workstation', purdue: 2 },
    { id: 'ip:10.10.1.10', label: 'hmi-01', role: 'hmi', purdue: 2 },
    { id: 'ip:10.10.1.20', label: 'plc-01', role: 'plc', purdue: 1 },
    { id: 'ip:10.10.0.40', label: 'hist-01', role: 'historian', purdue: 3 },
  ],
  edges: [
    {
      source: 'ip:10.10.1.10',
      target: 'ip:10.10.1.20',
      protocols: ['modbus'],
      ops: { read: 120 },
      packets: 900,
      bytes: 1,
    },
    {
      source: 'ip:10.10.0.30',
      target: 'ip:10.10.1.20',
      protocols: ['modbus'],
      ops: { write: 1 },
      packets: 10,
      bytes: 1,
    },
    { source: 'ip:10.10.1.20', target: 'ip:10.10.0.30', protocols: ['dns'], ops: {}, packets: 4, bytes: 1 },
    {
      source: 'ip:10.10.0.40',
      target: 'ip:10.10.1.20',
      protocols: ['modbus'],
      ops: { read: 6 },
      packets: 48,
      bytes: 1,
    },
  ],
};

describe('a map node’s connections', () => {
  it('folds both directions per peer, process-changing first, then by traffic', () => {
    const c = connectionsOf(graph, 'ip:10.10.1.20');
    expect(c.map((x) => x.peer.label)).toEqual(['ENG-WS-01', 'hmi-01', 'hist-01']);
    expect(c[0]).toMatchObject({
      protocols: ['modbus', 'dns'],
      received: { write: 1 },
      sent: {},
      packets: 14,
    });
  });

  it('finds assets by label or address, prefix matches first', () => {
    expect(findNodes(graph.nodes, 'plc').map((n) => n.id)).toEqual(['ip:10.10.1.20']);
    expect(findNodes(graph.nodes, '10.10.0').map((n) => n.label)).toEqual(['ENG-WS-01', 'hist-01']);
    expect(findNodes(graph.nodes, '01').map((n) => n.label)).toEqual([
      'ENG-WS-01',
      'hist-01',
      'hmi-01',
      'plc-01',
    ]);
    expect(findNodes(graph.nodes, '  ')).toEqual([]);
  });
});
