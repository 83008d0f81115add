/**
 * The map's default layout: one horizontal band per Purdue level, enterprise on top and field
 * devices at the bottom, as engineers draw their plants. Within a band, nodes sit near the
 * nodes they talk to in the bands above (barycentre ordering), so conduits read top-down.
 * Linear in nodes plus edges: 5,000 assets lay out in milliseconds.
 */
import type { GraphEdge, GraphNode } from '../lib/hub-types.js';
import { PURDUE_LEVELS, type PurdueLevel, ROLES } from '../lib/roles.js';

export interface Point {
  x: number;
  y: number;
}

export interface LayoutOptions {
  /** Horizontal distance between node centres: room for a label. */
  spacingX: number;
  /** Vertical distance between rows of a band. */
  spacingY: number;
  /** Space between bands. */
  bandGap: number;
}

const DEFAULTS: LayoutOptions = { spacingX: 104, spacingY: 66, bandGap: 100 };

export function levelKey(level: PurdueLevel): string {
  return `level-${level ?? 'unknown'}`;
}

/**
 * Columns per band row, one count for every band so they line up: chosen so the whole plant
 * (all bands stacked, gaps included) comes out about `aspect` times as wide as it is tall.
 */
export function bandColumns(
  assets: number,
  bands: number,
  o: LayoutOptions = DEFAULTS,
  aspect = 1.5,
): number {
  // width = C·sx and height ≈ (assets / C)·sy + bands·gap; solve width = aspect·height for C.
  const a = o.spacingX;
  const b = aspect * bands * o.bandGap;
  const c = aspect * assets * o.spacingY;
  return Math.max(8, Math.ceil((b + Math.sqrt(b * b + 4 * a * c)) / (2 * a)));
}

export function layeredLayout(
  nodes: readonly GraphNode[],
  edges: readonly GraphEdge[],
  options: Partial<LayoutOptions> = {},
): Map<string, Point> {
  const o = { ...DEFAULTS, ...options };
  const { spacingX, spacingY, bandGap } = o;
  const neighbours = new Map<string, string[]>();
  const link = (a: string, b: string) => {
    const list = neighbours.get(a);
    if (list) list.push(b);
    else neighbours.set(a, [b]);
  };
  for (const e of edges) {
    link(e.source, e.target);
    link(e.target, e.source);
  }

  const bands = PURDUE_LEVELS.map((level) => nodes.filter((n) => n.purdue === level));
  const columns = bandColumns(nodes.length, bands.filter((b) => b.length > 0).length, o);
  const roleRank = new Map(ROLES.map((r, i) => [r, i]));
  const placed = new Map<string, Point>();
  let y = 0;

  for (const band of bands) {
    if (band.length === 0) continue;
    // Where this node's already placed neighbours sit, on average; unplaced ones go last.
    const centre = new Map<string, number>();
    for (const n of band) {
      let sum = 0;
      let k = 0;
      for (const m of neighbours.get(n.id) ?? []) {
        const p = placed.get(m);
        if (p) {
          sum += p.x;
          k++;
        }
      }
      if (k) centre.set(n.id, sum / k);
    }
    const ordered = [...band].sort((a, b) => {
      const ca = centre.get(a.id);
      const cb = centre.get(b.id);
      if (ca !== undefined && cb !== undefined && ca !== cb) return ca - cb;
      if ((ca === undefined) !== (cb === undefined)) return ca === undefined ? 1 : -1;
      return (
        roleRank.get(a.role)! - roleRank.get(b.role)! ||
        a.label.localeCompare(b.label) ||
        a.id.localeCompare(b.id)
      );
    });
    // Column by column, so the order runs left to right across the whole band: an asset
    // stays under its peers above even when the band wraps into many rows.
    const rows = Math.ceil(ordered.length / columns);
    const used = Math.ceil(ordered.length / rows);
    ordered.forEach((n, i) => {
      const col = Math.floor(i / rows);
      const row = i % rows;
      placed.set(n.id, { x: (col - (used - 1) / 2) * spacingX, y: y + row * spacingY });
    });
    y += (rows - 1) * spacingY + bandGap;
  }
  return placed;
}

/** A band holding one asset is still a band, not a tile. */
const MIN_BAND_WIDTH = 360;

export interface Band {
  level: PurdueLevel;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/**
 * The box around each level's nodes; levels without nodes have none. All bands share the
 * widest one's left and right edges, so they stack like a Purdue diagram with the level
 * labels in one column on the left.
 */
export function bandBoxes(
  nodes: readonly Pick<GraphNode, 'id' | 'purdue'>[],
  position: (id: string) => Point | undefined,
  pad = { x: 60, top: 36, bottom: 36 },
): Band[] {
  const boxes = new Map<PurdueLevel, Band>();
  let left = Number.POSITIVE_INFINITY;
  let right = Number.NEGATIVE_INFINITY;
  for (const n of nodes) {
    const p = position(n.id);
    if (!p) continue;
    left = Math.min(left, p.x);
    right = Math.max(right, p.x);
    const b = boxes.get(n.purdue);
    if (!b) boxes.set(n.purdue, { level: n.purdue, x1: p.x, y1: p.y, x2: p.x, y2: p.y });
    else {
      b.y1 = Math.min(b.y1, p.y);
      b.y2 = Math.max(b.y2, p.y);
    }
  }
  const half = Math.max((right - left) / 2 + pad.x, MIN_BAND_WIDTH / 2);
  const cx = (left + right) / 2;
  return PURDUE_LEVELS.flatMap((level) => {
    const b = boxes.get(level);
    return b ? [{ level, x1: cx - half, y1: b.y1 - pad.top, x2: cx + half, y2: b.y2 + pad.bottom }] : [];
  });
}

export interface Bounds {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/**
 * The zoom and pan that fit `b` into a viewport of `width`×`height` pixels with `padding`:
 * computed from the layout, because asking cytoscape to fit measures every element's rendered
 * style first, seconds on a 5,000-asset map.
 */
export function fitViewport(
  b: Bounds,
  width: number,
  height: number,
  o: { padding: number; minZoom: number; maxZoom: number },
): { zoom: number; pan: Point } {
  const w = Math.max(1, b.x2 - b.x1);
  const h = Math.max(1, b.y2 - b.y1);
  const fit = Math.min((width - 2 * o.padding) / w, (height - 2 * o.padding) / h);
  const zoom = Math.min(o.maxZoom, Math.max(o.minZoom, fit));
  return { zoom, pan: { x: (width - zoom * (b.x1 + b.x2)) / 2, y: (height - zoom * (b.y1 + b.y2)) / 2 } };
}
