/** The asset inventory, its flows and operations, the communication graph and the figures. */
import { Readable } from 'node:stream';
import type { z } from 'zod';
import { csvField } from '../../inventory/export.js';
import type { AssetQuery, AssetRow as Row, Store } from '../../store/types.js';
import { type Hub, type HubContext, problems } from '../context.js';
import { HubError } from '../errors.js';
import {
  Asset,
  AssetFilterQuery,
  AssetIdParams,
  AssetListQuery,
  AssetPage,
  FlowRow,
  Graph,
  items,
  OpRow,
  PeerQuery,
  Stats,
} from '../schemas.js';

type Filter = z.output<typeof AssetFilterQuery>;

function assetQuery(f: Filter, limit: number, offset: number): AssetQuery {
  return {
    role: f.role,
    vendor: f.vendor,
    protocol: f.protocol,
    subnet: f.subnet,
    search: f.q,
    sort: f.sort,
    order: f.order,
    limit,
    offset,
  };
}

const CSV_COLUMNS = [
  'id',
  'role',
  'confidence',
  'purdue_level',
  'ips',
  'macs',
  'names',
  'vendor',
  'model',
  'firmware',
  'serial',
  'protocols',
  'peers',
  'first_seen',
  'last_seen',
];

function csvRow(a: Row): string {
  return [
    a.id,
    a.role,
    a.roleConfidence.toFixed(2),
    a.purdue === null ? '' : String(a.purdue),
    a.ips.join(' '),
    a.macs.join(' '),
    a.names.join(' | '),
    a.vendor ?? '',
    a.model ?? '',
    a.firmware ?? '',
    a.serial ?? '',
    a.protocols.join(' '),
    String(a.peers),
    new Date(a.first).toISOString(),
    new Date(a.last).toISOString(),
  ]
    .map(csvField)
    .join(',');
}

/** Every matching asset as CSV lines, a page at a time. */
async function* csvLines(store: Store, f: Filter): AsyncGenerator<string> {
  yield `${CSV_COLUMNS.join(',')}\r\n`;
  const limit = 1000;
  for (let offset = 0; ; offset += limit) {
    const page = await store.listAssets(assetQuery(f, limit, offset));
    if (page.items.length) yield `${page.items.map(csvRow).join('\r\n')}\r\n`;
    if (offset + page.items.length >= page.total || page.items.length < limit) return;
  }
}

export function inventoryRoutes(app: Hub, { store }: HubContext): void {
  app.get(
    '/api/stats',
    {
      config: { access: 'viewer' },
      schema: { summary: 'Figures for the overview', response: { 200: Stats, ...problems } },
    },
    () => store.stats(),
  );

  app.get(
    '/api/assets',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'Assets: filtered, searched, sorted and paged',
        querystring: AssetListQuery,
        response: { 200: AssetPage, ...problems },
      },
    },
    (req) => store.listAssets(assetQuery(req.query, req.query.limit, req.query.offset)),
  );

  app.get(
    '/api/assets.csv',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'Every matching asset as CSV (formula-defused)',
        querystring: AssetFilterQuery,
        produces: ['text/csv'],
      },
    },
    (req, reply) => {
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="lineguard-assets.csv"');
      return reply.send(Readable.from(csvLines(store, req.query)));
    },
  );

  app.get(
    '/api/assets/:id',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'One asset with its identity facts and evidence, protocols and peers',
        params: AssetIdParams,
        response: { 200: Asset, ...problems },
      },
    },
    async (req) => {
      const asset = await store.getAsset(req.params.id);
      if (!asset) throw new HubError('LG_NOT_FOUND', `no asset with id ${JSON.stringify(req.params.id)}`);
      return asset;
    },
  );

  app.get(
    '/api/assets/:id/flows',
    {
      config: { access: 'viewer' },
      schema: {
        summary: "An asset's flows, or those between it and one peer",
        params: AssetIdParams,
        querystring: PeerQuery,
        response: { 200: items(FlowRow), ...problems },
      },
    },
    async (req) => ({ items: await store.flows(req.params.id, req.query.peer) }),
  );

  app.get(
    '/api/assets/:id/operations',
    {
      config: { access: 'viewer' },
      schema: {
        summary: "An asset's industrial operations, or those between it and one peer",
        params: AssetIdParams,
        querystring: PeerQuery,
        response: { 200: items(OpRow), ...problems },
      },
    },
    async (req) => ({ items: await store.operations(req.params.id, req.query.peer) }),
  );

  app.get(
    '/api/graph',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'Who talks to whom: assets, and edges with protocols and operation kinds',
        response: { 200: Graph, ...problems },
      },
    },
    () => store.graph(),
  );
}
