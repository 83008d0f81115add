/**
 * Labels on large maps: only the assets in view get one, and only once zoomed in far enough
 * to read them. Recomputed when the viewport settles.
 */
import type { Core } from 'cytoscape';

/** Zoom from which labels are worth drawing (10 px text at this zoom is ~9 px on screen). */
export const LABEL_ZOOM = 0.9;
/** More labels than this in view would be unreadable anyway. */
export const MAX_LABELS = 800;

export function followViewport(cy: Core): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const update = () => {
    const zoom = cy.zoom();
    const labelled = cy.nodes('.labelled');
    if (zoom < LABEL_ZOOM) {
      labelled.removeClass('labelled');
      return;
    }
    const e = cy.extent();
    const inView = cy.nodes('[!band]').filter((n) => {
      const p = n.position();
      return p.x >= e.x1 && p.x <= e.x2 && p.y >= e.y1 && p.y <= e.y2;
    });
    cy.batch(() => {
      labelled.difference(inView).removeClass('labelled');
      if (inView.length <= MAX_LABELS) inView.addClass('labelled');
    });
  };
  const settle = () => {
    clearTimeout(timer);
    timer = setTimeout(update, 150);
  };
  cy.on('viewport', settle);
  update();
  return () => {
    clearTimeout(timer);
    cy.off('viewport', settle);
  };
}
