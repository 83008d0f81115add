/**
 * The hub's graph as cytoscape elements: a band per Purdue level drawn behind its assets
 * (plain nodes, not compound parents: compounds cost seconds at 5,000 children), assets shaped
 * and coloured by role, edges coloured by their main protocol, and the edges that carry write,
 * program or control operations marked so the style can make them stand out.
 */
import type { ElementDefinition } from 'cytoscape';
import type { Graph, GraphEdge } from '../lib/hub-types.js';
import { opRisk, worstOp } from '../lib/ops.js';
import { mainProtocol, protocolColour } from '../lib/protocols.js';
import { type PurdueLevel, purdueBadge, purdueColour, purdueName, ROLE_STYLE } from '../lib/roles.js';
import { type Band, type Bounds, bandBoxes, levelKey, type Point } from './layout.js';

export type EdgeRisk = 'high' | 'medium' | 'none';

export function edgeRisk(e: GraphEdge): EdgeRisk {
  const worst = worstOp(e.ops);
  if (!worst) return 'none';
  return opRisk(worst) === 'high' ? 'high' : 'medium';
}

/** Line width from traffic volume: 1 px for a trickle, up to 5 px for the heaviest links. */
export function edgeWidth(packets: number): number {
  return Math.min(5, 1 + Math.log10(Math.max(1, packets)) / 1.5);
}

export interface MapElements {
  elements: ElementDefinition[];
  nodes: number;
  edges: number;
  risky: number;
  /** What the map covers, level labels included: the initial view fits it. */
  bounds: Bounds;
}

/** Room on the left of the bands for their labels ("Supervisory control" at 14 px). */
const LABEL_COLUMN = 180;

/**
 * A level band's element: a box behind the level's assets, labelled on its left as Purdue
 * diagrams are (level, name, count), where no edge runs.
 */
export function bandElement(b: Band, assets: number): ElementDefinition {
  const label = `${purdueBadge(b.level)}\n${purdueName(b.level)}\n${assets} ${assets === 1 ? 'asset' : 'assets'}`;
  return {
    group: 'nodes',
    data: {
      id: levelKey(b.level),
      band: true,
      label,
      colour: purdueColour(b.level),
      w: b.x2 - b.x1,
      h: b.y2 - b.y1,
    },
    position: { x: (b.x1 + b.x2) / 2, y: (b.y1 + b.y2) / 2 },
    selectable: false,
    grabbable: false,
  };
}

export function toElements(graph: Graph, positions: Map<string, Point>): MapElements {
  const perLevel = new Map<PurdueLevel, number>();
  for (const n of graph.nodes) perLevel.set(n.purdue, (perLevel.get(n.purdue) ?? 0) + 1);
  const bands = bandBoxes(graph.nodes, (id) => positions.get(id));
  const out: ElementDefinition[] = bands.map((b) => bandElement(b, perLevel.get(b.level) ?? 0));
  const bounds: Bounds = {
    x1: Math.min(...bands.map((b) => b.x1)) - LABEL_COLUMN,
    y1: Math.min(...bands.map((b) => b.y1)),
    x2: Math.max(...bands.map((b) => b.x2)),
    y2: Math.max(...bands.map((b) => b.y2)),
  };
  const ids = new Set<string>();
  for (const node of graph.nodes) {
    const style = ROLE_STYLE[node.role];
    ids.add(node.id);
    out.push({
      group: 'nodes',
      data: {
        id: node.id,
        level: node.purdue,
        label: node.label,
        role: node.role,
        colour: style.colour,
        shape: style.shape,
        control: style.group === 'control',
      },
      position: { ...(positions.get(node.id) ?? { x: 0, y: 0 }) },
    });
  }
  let edges = 0;
  let risky = 0;
  graph.edges.forEach((e, i) => {
    // An edge to an asset the graph does not list cannot be drawn; the hub should not send one.
    if (!ids.has(e.source) || !ids.has(e.target) || e.source === e.target) return;
    const protocol = mainProtocol(e.protocols) ?? 'unknown';
    const risk = edgeRisk(e);
    const worst = worstOp(e.ops);
    edges++;
    if (risk !== 'none') risky++;
    out.push({
      group: 'edges',
      data: {
        id: `edge-${i}`,
        source: e.source,
        target: e.target,
        protocol,
        colour: protocolColour(protocol),
        width: edgeWidth(e.packets),
        risk,
        label: worst && risk !== 'none' ? worst : '',
      },
    });
  });
  return { elements: out, nodes: graph.nodes.length, edges, risky, bounds };
}
