/**
 * The map's second layout: fcose (loaded on first use) pulls assets that talk to each other
 * together, across levels, so each production cell (its HMI, PLCs and switch) and every
 * unexpected bridge between cells shows as shape rather than as a long line. The Purdue
 * bands make no sense there and are hidden until the layers come back.
 */
import type { Core, NodeSingular } from 'cytoscape';
import cytoscape from 'cytoscape';
import { bandBoxes, levelKey } from './layout.js';

let registered = false;

export async function clusterLayout(cy: Core): Promise<void> {
  if (!registered) {
    const { default: fcose } = await import('cytoscape-fcose');
    cytoscape.use(fcose);
    registered = true;
  }
  const assets = cy.nodes('[!band]');
  cy.nodes('[?band]').addClass('hidden');
  assets
    .union(assets.edgesWith(assets))
    .layout({
      name: 'fcose',
      animate: false,
      randomize: true,
      quality: assets.length > 1000 ? 'draft' : 'default',
      nodeRepulsion: () => 6500,
      idealEdgeLength: () => 90,
      nodeSeparation: 90,
      packComponents: true,
      // Assets that talk to no one are tiled aside, spaced for their labels.
      tile: true,
      tilingPaddingVertical: 30,
      tilingPaddingHorizontal: 70,
      fit: false,
    } as cytoscape.LayoutOptions)
    .run();
  cy.fit(assets, 24);
}

/** Shows each level's band again, moved and resized to enclose its assets where they are. */
export function fitBands(cy: Core): void {
  const assets = cy.nodes('[!band]');
  const nodes = assets.map((n: NodeSingular) => ({ id: n.id(), purdue: n.data('level') }));
  cy.batch(() => {
    for (const b of bandBoxes(nodes, (id) => cy.getElementById(id).position())) {
      const band = cy.getElementById(levelKey(b.level));
      band.data({ w: b.x2 - b.x1, h: b.y2 - b.y1 });
      band.position({ x: (b.x1 + b.x2) / 2, y: (b.y1 + b.y2) / 2 });
    }
    cy.nodes('[?band]').removeClass('hidden');
  });
}
