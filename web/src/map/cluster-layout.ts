/**
 * The map's second layout: fcose (loaded on first use) pulls the assets of each Purdue level
 * that talk to each other into clusters, then the levels are stacked again, enterprise on top,
 * and their bands redrawn around them.
 */
import type { Core, NodeSingular } from 'cytoscape';
import cytoscape from 'cytoscape';
import { PURDUE_LEVELS } from '../lib/roles.js';
import { bandBoxes, levelKey } from './layout.js';

let registered = false;

export async function clusterLayout(cy: Core, spacing = 90): Promise<void> {
  if (!registered) {
    const { default: fcose } = await import('cytoscape-fcose');
    cytoscape.use(fcose);
    registered = true;
  }
  const assets = cy.nodes('[!band]');
  let y = 0;
  for (const level of PURDUE_LEVELS) {
    const members = assets.filter((n) => n.data('level') === level);
    if (members.empty()) continue;
    const within = members.union(members.edgesWith(members));
    if (members.length > 1)
      within
        .layout({
          name: 'fcose',
          animate: false,
          randomize: true,
          quality: members.length > 1000 ? 'draft' : 'default',
          nodeRepulsion: () => 9000,
          idealEdgeLength: () => spacing,
          packComponents: true,
          tile: true,
          fit: false,
        } as cytoscape.LayoutOptions)
        .run();
    const bb = members.boundingBox({ includeLabels: false, includeOverlays: false });
    const dx = -(bb.x1 + bb.x2) / 2;
    const dy = y - bb.y1;
    members.positions((n) => ({ x: n.position('x') + dx, y: n.position('y') + dy }));
    y += bb.h + spacing * 1.6;
  }
  fitBands(cy);
  cy.fit(undefined, 24);
}

/** Moves and resizes each level's band to enclose its assets where they now are. */
export function fitBands(cy: Core): void {
  const assets = cy.nodes('[!band]');
  const nodes = assets.map((n: NodeSingular) => ({ id: n.id(), purdue: n.data('level') }));
  cy.batch(() => {
    for (const b of bandBoxes(nodes, (id) => cy.getElementById(id).position())) {
      const band = cy.getElementById(levelKey(b.level));
      band.data({ w: b.x2 - b.x1, h: b.y2 - b.y1 });
      band.position({ x: (b.x1 + b.x2) / 2, y: (b.y1 + b.y2) / 2 });
    }
  });
}
