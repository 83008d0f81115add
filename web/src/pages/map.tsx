/**
 * The network map: every asset in its Purdue level, shaped and coloured by role, connections
 * coloured by protocol, and write/program/control connections standing out. Click an asset for
 * its connections, double-click (or "Open asset") for its page. Built to stay interactive at
 * 5,000 assets: precomputed layout, texture while panning, labels only when readable.
 */
import cytoscape, { type Core } from 'cytoscape';
import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import { assetIdText, count } from '../lib/format.js';
import type { Graph, GraphNode, OpCounts } from '../lib/hub-types.js';
import { navigate } from '../lib/nav.js';
import { changesProcess, opEntries } from '../lib/ops.js';
import { protocolColour } from '../lib/protocols.js';
import { purdueName, ROLE_STYLE, ROLES } from '../lib/roles.js';
import { assetHref } from '../lib/route.js';
import { useApi } from '../lib/use-api.js';
import { clusterLayout, fitBands } from '../map/cluster-layout.js';
import { connectionsOf, findNodes } from '../map/connections.js';
import { type MapElements, toElements } from '../map/elements.js';
import { followViewport } from '../map/labels.js';
import { fitViewport, layeredLayout } from '../map/layout.js';
import { LARGE_MAP, mapStyle } from '../map/style.js';
import { OpBadge, ProtocolChip, PurdueBadge, RoleBadge } from '../ui/badges.js';
import { Link } from '../ui/link.js';
import { Empty, Load } from '../ui/states.js';

export function MapPage({ focus }: { focus?: string }) {
  const [graph, reload] = useApi<Graph>('/api/graph');
  return (
    <Load value={graph} what="the network graph" retry={reload}>
      {(g) =>
        g.nodes.length === 0 ? (
          <Empty>No assets yet: upload a capture to draw the map.</Empty>
        ) : (
          <NetworkMap graph={g} {...(focus ? { focus } : {})} />
        )
      }
    </Load>
  );
}

type LayoutName = 'layers' | 'clusters';

const VIEW = { padding: 24, minZoom: 0.02, maxZoom: 4 };

function NetworkMap({ graph, focus }: { graph: Graph; focus?: string }) {
  const host = useRef<HTMLDivElement>(null);
  const [cy, setCy] = useState<Core | null>(null);
  const positions = useMemo(() => layeredLayout(graph.nodes, graph.edges), [graph]);
  const built = useMemo<MapElements>(() => toElements(graph, positions), [graph, positions]);
  const [selected, setSelected] = useState<string | undefined>(focus);
  const [riskyOnly, setRiskyOnly] = useState(false);
  const [layout, setLayout] = useState<LayoutName>('layers');
  const [busy, setBusy] = useState(false);
  const [drawn, setDrawn] = useState(false);
  const [find, setFind] = useState('');
  const [findMiss, setFindMiss] = useState(false);
  const byId = useMemo(() => new Map(graph.nodes.map((n) => [n.id, n])), [graph]);

  useEffect(() => {
    const container = host.current;
    if (!container) return;
    const large = built.nodes > LARGE_MAP;
    const instance = cytoscape({
      container,
      elements: built.elements,
      style: mapStyle(built.nodes),
      // Positions come with the elements; the first view is computed, not measured (cytoscape
      // would otherwise run its grid layout, and fitting measures every element).
      layout: { name: 'preset', fit: false },
      ...fitViewport(built.bounds, container.clientWidth, container.clientHeight, VIEW),
      minZoom: VIEW.minZoom,
      maxZoom: VIEW.maxZoom,
      boxSelectionEnabled: false,
      selectionType: 'single',
      // Pan and zoom a snapshot instead of redrawing 5,000 nodes per frame.
      textureOnViewport: built.nodes > 300,
      hideEdgesOnViewport: large,
      hideLabelsOnViewport: large,
      motionBlur: false,
      pixelRatio: large ? 1 : 'auto',
    });
    instance.on('tap', 'node', (e) => setSelected(e.target.id()));
    instance.on('dbltap', 'node', (e) => navigate(assetHref(e.target.id())));
    instance.on('tap', (e) => {
      if (e.target === instance) setSelected(undefined);
    });
    // The first frame styles every element: seconds at 5,000 assets; say so until it is up.
    setDrawn(false);
    instance.one('render', () => setDrawn(true));
    const stopLabels = large ? followViewport(instance) : () => {};
    setCy(instance);
    container.dataset.ready = 'true';
    return () => {
      stopLabels();
      setCy(null);
      delete container.dataset.ready;
      instance.destroy();
    };
  }, [built]);

  // Selection: highlight the asset and its neighbourhood, fade the rest.
  useEffect(() => {
    if (!cy) return;
    cy.batch(() => {
      // Touch only what changes: restyling all 12,000 elements of a large map takes seconds.
      cy.elements('.faded').removeClass('faded');
      cy.elements(':selected').unselect();
      if (!selected) return;
      const node = cy.getElementById(selected);
      if (node.empty()) return;
      const near = node.closedNeighborhood();
      cy.elements()
        .not(near)
        .filter((el) => !el.data('band'))
        .addClass('faded');
      node.select();
    });
    // Bring a selected asset into view (e.g. from "Show on network map" or the find box).
    const node = selected ? cy.getElementById(selected) : undefined;
    if (node?.nonempty()) {
      const ext = cy.extent();
      const p = node.position();
      if (p.x < ext.x1 || p.x > ext.x2 || p.y < ext.y1 || p.y > ext.y2) cy.center(node);
    }
  }, [selected, cy]);

  useEffect(() => {
    if (!cy) return;
    if (riskyOnly) cy.edges('[risk = "none"]').addClass('hidden');
    else cy.edges('.hidden').removeClass('hidden');
  }, [riskyOnly, cy]);

  const changeLayout = async (next: LayoutName) => {
    if (!cy || next === layout) return;
    setLayout(next);
    if (next === 'layers') {
      cy.nodes().forEach((n) => {
        const p = positions.get(n.id());
        if (p) n.position({ ...p });
      });
      fitBands(cy);
      cy.viewport(fitViewport(built.bounds, cy.width(), cy.height(), VIEW));
      return;
    }
    setBusy(true);
    // Let the "Laying out…" note paint before fcose takes the main thread.
    await new Promise((r) => setTimeout(r, 30));
    try {
      await clusterLayout(cy);
    } finally {
      setBusy(false);
    }
  };

  const onFind = (e: FormEvent) => {
    e.preventDefault();
    const hit = findNodes(graph.nodes, find, 1)[0];
    setFindMiss(!hit);
    if (!hit) return;
    setSelected(hit.id);
    if (cy) {
      cy.zoom(Math.max(cy.zoom(), 1.2));
      cy.center(cy.getElementById(hit.id));
    }
  };

  const node = selected ? byId.get(selected) : undefined;
  const protocols = useMemo(() => usedProtocols(graph), [graph]);

  return (
    <div className="map-page">
      <div className="page-head">
        <h1>Network map</h1>
        <span className="muted" data-testid="map-summary">
          {count(built.nodes)} assets · {count(built.edges)} connections ·{' '}
          <span className={built.risky ? 'risk-text' : undefined}>
            {count(built.risky)} with write, program or control
          </span>
        </span>
        <div className="spacer" />
        <form onSubmit={onFind} className="find">
          <input
            type="search"
            placeholder="Find asset (name, IP, MAC)"
            aria-label="Find asset on the map"
            value={find}
            aria-invalid={findMiss || undefined}
            onChange={(e) => {
              setFind(e.target.value);
              setFindMiss(false);
            }}
          />
        </form>
        <label className="toggle">
          <input type="checkbox" checked={riskyOnly} onChange={(e) => setRiskyOnly(e.target.checked)} />
          Only write / program / control
        </label>
        <fieldset className="segmented">
          <legend className="sr-only">Layout</legend>
          {(['layers', 'clusters'] as const).map((l) => (
            <button
              key={l}
              type="button"
              aria-pressed={layout === l}
              className={layout === l ? 'on' : undefined}
              // A force layout of thousands of assets would hold the page for a minute.
              disabled={busy || (l === 'clusters' && built.nodes > LARGE_MAP)}
              title={
                l === 'layers'
                  ? 'Assets in their Purdue levels'
                  : built.nodes > LARGE_MAP
                    ? `Clusters are drawn for up to ${count(LARGE_MAP)} assets`
                    : 'Assets that talk to each other, together'
              }
              onClick={() => void changeLayout(l)}
            >
              {l === 'layers' ? 'Purdue layers' : 'Clusters'}
            </button>
          ))}
        </fieldset>
      </div>
      <div className="map-body">
        <div className="map-canvas" ref={host} data-nodes={built.nodes} data-edges={built.edges} />
        {busy ? <div className="map-busy">Laying out…</div> : null}
        {drawn ? null : <div className="map-busy">Drawing {count(built.nodes)} assets…</div>}
        <aside className="map-side">
          {node ? (
            <Selection graph={graph} node={node} onClose={() => setSelected(undefined)} />
          ) : (
            <Legend protocols={protocols} />
          )}
        </aside>
      </div>
    </div>
  );
}

function usedProtocols(graph: Graph): string[] {
  const n = new Map<string, number>();
  for (const e of graph.edges) for (const p of e.protocols) n.set(p, (n.get(p) ?? 0) + 1);
  return [...n.entries()].sort((a, b) => b[1] - a[1]).map(([p]) => p);
}

function Legend({ protocols }: { protocols: string[] }) {
  return (
    <div className="legend">
      <h2>Roles</h2>
      <ul>
        {ROLES.filter((r) => r !== 'unknown').map((r) => (
          <li key={r}>
            <span
              className={`shape shape-${ROLE_STYLE[r].shape}`}
              style={{ background: ROLE_STYLE[r].colour }}
            />
            {ROLE_STYLE[r].label}
          </li>
        ))}
      </ul>
      <h2>Connections</h2>
      <ul>
        <li>
          <span className="line risk-high" /> program or control
        </li>
        <li>
          <span className="line risk-medium" /> write
        </li>
        {protocols.slice(0, 16).map((p) => (
          <li key={p}>
            <span className="line" style={{ background: protocolColour(p) }} />
            {p}
          </li>
        ))}
      </ul>
      <p className="muted small">Click an asset to see its connections; double-click to open it.</p>
    </div>
  );
}

function Selection({ graph, node, onClose }: { graph: Graph; node: GraphNode; onClose: () => void }) {
  const conns = useMemo(() => connectionsOf(graph, node.id), [graph, node.id]);
  return (
    <div className="selection" data-testid="map-selection">
      <div className="selection-head">
        <h2>{node.label}</h2>
        <button type="button" className="btn small ghost" onClick={onClose} aria-label="Close">
          ✕
        </button>
      </div>
      <p>
        <RoleBadge role={node.role} long /> <PurdueBadge level={node.purdue} />{' '}
        <span className="muted">{purdueName(node.purdue)}</span>
      </p>
      <p className="mono muted small">{node.id}</p>
      {node.vendor ? <p>{node.vendor}</p> : null}
      <Link className="btn primary" href={assetHref(node.id)}>
        Open asset
      </Link>
      <h3>Connections ({conns.length})</h3>
      <ul className="conns">
        {conns.map((c) => (
          <li key={c.peer.id}>
            <Link href={assetHref(c.peer.id)} className="conn-peer">
              <RoleBadge role={c.peer.role} /> {c.peer.label || assetIdText(c.peer.id)}
            </Link>
            <span className="chips">
              {c.protocols.map((p) => (
                <ProtocolChip key={p} name={p} />
              ))}
            </span>
            <span className="conn-ops">
              <ProcessOps ops={c.sent} way="sent" />
              <ProcessOps ops={c.received} way="received" />
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The kinds of operation that change the process, sent or received on one connection, with counts. */
function ProcessOps({ ops, way }: { ops: OpCounts; way: 'sent' | 'received' }) {
  return opEntries(ops)
    .filter(([k]) => changesProcess(k))
    .map(([k, n]) => (
      <span key={k}>
        <OpBadge op={k} n={n} />
        {` ${way}`}
      </span>
    ));
}
