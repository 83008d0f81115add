/** A node's connections on the map, for the side panel: peers, protocols, operations each way. */
import type { Graph, GraphNode, OpCounts } from '../lib/hub-types.js';
import { opRisk, worstOp } from '../lib/ops.js';

export interface Connection {
  peer: GraphNode;
  protocols: string[];
  /** Operations the selected asset performed on the peer. */
  sent: OpCounts;
  /** Operations the peer performed on the selected asset. */
  received: OpCounts;
  packets: number;
}

function add(into: OpCounts, from: OpCounts): OpCounts {
  const out: OpCounts = { ...into };
  for (const [k, n] of Object.entries(from) as [keyof OpCounts, number][]) out[k] = (out[k] ?? 0) + n;
  return out;
}

/** Connections of `id`, process-changing ones first, then by traffic. */
export function connectionsOf(graph: Graph, id: string): Connection[] {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const byPeer = new Map<string, Connection>();
  for (const e of graph.edges) {
    const outgoing = e.source === id;
    if (!outgoing && e.target !== id) continue;
    const peer = byId.get(outgoing ? e.target : e.source);
    if (!peer || peer.id === id) continue;
    const c = byPeer.get(peer.id) ?? { peer, protocols: [], sent: {}, received: {}, packets: 0 };
    c.protocols = [...new Set([...c.protocols, ...e.protocols])];
    if (outgoing) c.sent = add(c.sent, e.ops);
    else c.received = add(c.received, e.ops);
    c.packets += e.packets;
    byPeer.set(peer.id, c);
  }
  const weight = (c: Connection) => {
    const w = worstOp({ ...add(c.sent, c.received) });
    return w ? (opRisk(w) === 'high' ? 2 : 1) : 0;
  };
  return [...byPeer.values()].sort((a, b) => weight(b) - weight(a) || b.packets - a.packets);
}

/** Nodes whose label or id contains `text` (case-insensitive), best (prefix) matches first. */
export function findNodes(nodes: readonly GraphNode[], text: string, limit = 20): GraphNode[] {
  const t = text.trim().toLowerCase();
  if (!t) return [];
  const hits = nodes.filter((n) => n.label.toLowerCase().includes(t) || n.id.toLowerCase().includes(t));
  const starts = (n: GraphNode) =>
    n.label.toLowerCase().startsWith(t) || n.id.toLowerCase().split(':').slice(1).join(':').startsWith(t);
  return hits
    .sort((a, b) => Number(starts(b)) - Number(starts(a)) || a.label.localeCompare(b.label))
    .slice(0, limit);
}
