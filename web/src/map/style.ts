/**
 * The map's cytoscape style. Large maps trade finish for speed: straight "haystack" edges,
 * labels only once zoomed in far enough to read them.
 */
import type { StylesheetJson } from 'cytoscape';

/** A `data(field)` mapper where cytoscape's types (wrongly) accept only literal values. */
function fromData(field: string): never {
  return `data(${field})` as never;
}

const FONT = 'system-ui, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';

/** Above this many nodes the map draws for speed rather than finish. */
export const LARGE_MAP = 1500;

export function mapStyle(nodeCount: number): StylesheetJson {
  const large = nodeCount > LARGE_MAP;
  return [
    {
      selector: 'node',
      style: {
        'background-color': 'data(colour)',
        shape: fromData('shape'),
        width: 18,
        height: 18,
        // Large maps measure labels only for the assets in view (see labels.ts): measuring
        // 5,000 labels costs seconds even when none is drawn.
        label: large ? '' : 'data(label)',
        'font-family': FONT,
        'font-size': 11,
        color: '#1b232b',
        'text-valign': 'bottom',
        'text-margin-y': 3,
        'text-max-width': '96px',
        'text-wrap': 'ellipsis',
        // Labels appear only when they would be readable: a zoomed-out plant stays fast and calm.
        'min-zoomed-font-size': 9,
        'border-width': 1.5,
        'border-color': '#ffffff',
        // Bands below edges below assets: only a manual order puts a node under an edge.
        'z-index-compare': 'manual',
        'z-index': 10,
      },
    },
    { selector: 'node[?control]', style: { width: 24, height: 24 } },
    { selector: 'node.labelled', style: { label: 'data(label)' } },
    {
      selector: 'node[?band]',
      style: {
        shape: 'round-rectangle',
        width: 'data(w)',
        height: 'data(h)',
        'z-index': 0,
        'background-color': 'data(colour)',
        'background-opacity': 0.045,
        'border-color': 'data(colour)',
        'border-width': 1,
        'border-opacity': 0.6,
        label: 'data(label)',
        'font-size': 14,
        'font-weight': 600,
        color: 'data(colour)',
        'text-valign': 'center',
        'text-halign': 'left',
        'text-justification': 'right',
        'text-margin-x': -12,
        'text-wrap': 'wrap',
        'text-max-width': '200px',
        'line-height': 1.3,
        'min-zoomed-font-size': 4,
        events: 'no',
      },
    },
    {
      selector: 'edge',
      style: {
        width: 'data(width)',
        'line-color': 'data(colour)',
        // Thousands of lines at full strength are a wall of colour; faint ones show the structure.
        opacity: large ? 0.4 : 0.75,
        'curve-style': large ? 'haystack' : 'straight',
        'haystack-radius': 0,
        'z-index-compare': 'manual',
        'z-index': 1,
      },
    },
    {
      // Write, program and control: drawn last, thicker, with a halo and the operation named.
      selector: 'edge[risk != "none"]',
      style: {
        'curve-style': 'straight',
        width: 'mapData(width, 1, 5, 3, 6)',
        opacity: 1,
        'z-index': 5,
        'target-arrow-shape': 'triangle',
        'target-arrow-color': 'data(colour)',
        'arrow-scale': 1.1,
        'underlay-color': '#e8590c',
        'underlay-opacity': 0.35,
        'underlay-padding': 4,
        label: 'data(label)',
        'font-family': FONT,
        'font-size': 9,
        'font-weight': 700,
        color: '#b8400a',
        'text-background-color': '#ffffff',
        'text-background-opacity': 0.9,
        'text-background-padding': '2px',
        'min-zoomed-font-size': 8,
      },
    },
    {
      selector: 'edge[risk = "high"]',
      style: { 'underlay-color': '#e03131', 'underlay-opacity': 0.45, color: '#c92a2a' },
    },
    { selector: '.hidden', style: { display: 'none' } },
    { selector: '.faded', style: { opacity: 0.12, 'text-opacity': 0, 'underlay-opacity': 0 } },
    {
      selector: 'node:selected',
      style: { 'border-width': 4, 'border-color': '#f59f00', 'z-index': 20, 'font-weight': 700 },
    },
  ];
}
