/**
 * One suite, both databases: SQLite always, PostgreSQL in a throwaway database when a server
 * answers (testing/databases.ts says when it skips; CI=true makes its absence a failure).
 */

import { afterEach, describe, expect, it } from 'vitest';
import { analyzeBytes } from '../capture/analyze.js';
import type { Endpoint, LineguardEvent } from '../events/types.js';
import { buildInventory } from '../inventory/assemble.js';
import { assetLabel } from '../inventory/label.js';
import { Observations } from '../inventory/observations.js';
import type { Asset } from '../inventory/types.js';
import { PLANT, plantCapture } from '../sim/plant.js';
import { openDatabase } from './connect.js';
import { openStore, StoreError } from './index.js';
import { postgresUnavailable, type TestDatabase, testDatabase } from './testing/databases.js';
import { flow, later, op, sighting } from './testing/events.js';
import { normaliseAssets } from './testing/normalise.js';
import type { AssetRow, Dialect, Store } from './types.js';

const pgSkip = (await postgresUnavailable()) !== null;
const plant = (await analyzeBytes(plantCapture(), { source: 'plant-a' })).events;
const DAY = 86_400_000;
const PLC = `mac:${PLANT.plcPress.mac}`;
const HMI = `mac:${PLANT.hmi.mac}`;

/** buildInventory run on the events themselves. */
async function direct(events: readonly LineguardEvent[]): Promise<Asset[]> {
  const obs = new Observations();
  for (const e of events) obs.emit(e);
  return (await buildInventory(obs)).assets;
}

async function allRows(store: Store): Promise<AssetRow[]> {
  return (await store.listAssets({ limit: 1000, offset: 0 })).items;
}

async function storedAssets(store: Store): Promise<Asset[]> {
  const out: Asset[] = [];
  for (const row of await allRows(store)) out.push((await store.getAsset(row.id))!);
  return out;
}

/** Everything a reader of the store can see. */
async function snapshot(store: Store) {
  const assets = await storedAssets(store);
  const perAsset = [];
  for (const a of assets)
    perAsset.push({ id: a.id, flows: await store.flows(a.id), ops: await store.operations(a.id) });
  return { assets, perAsset, graph: await store.graph(), stats: await store.stats() };
}

for (const dialect of ['sqlite', 'postgres'] as const satisfies Dialect[]) {
  describe.skipIf(dialect === 'postgres' && pgSkip)(`store on ${dialect}`, () => {
    const opened: { store: Store; db: TestDatabase }[] = [];
    afterEach(async () => {
      for (const o of opened.splice(0)) {
        await o.store.close().catch(() => undefined);
        await o.db.drop();
      }
    });
    /** A store holding the sample plant, and a second connection to its database for raw edits. */
    async function withRawAccess() {
      const db = await testDatabase(dialect);
      const store = await openStore(db.options);
      opened.push({ store, db });
      await store.ingest(plant);
      return { store, raw: await openDatabase(db.options) };
    }

    async function fresh(): Promise<Store> {
      const db = await testDatabase(dialect);
      const store = await openStore(db.options);
      opened.push({ store, db });
      expect(store.dialect).toBe(dialect);
      return store;
    }

    it('holds the same inventory as buildInventory on the same events', async () => {
      const store = await fresh();
      const report = await store.ingest(plant, { batchSize: 10 });
      expect(report.events).toBe(plant.length);
      expect(report.batches).toBe(Math.ceil(plant.length / 10));
      const want = await direct(plant);
      expect(report.assets).toBe(want.length);
      expect(report.newAssets.sort()).toEqual(want.map((a) => a.id).sort());
      expect(normaliseAssets(await storedAssets(store))).toEqual(normaliseAssets(want));
    });

    it('changes nothing when the same capture is ingested again', async () => {
      const store = await fresh();
      await store.ingest(plant, { batchSize: 7 });
      const before = await snapshot(store);
      // Other batch boundaries: the same rows must come out.
      const again = await store.ingest(plant, { batchSize: 1000 });
      expect(again.newAssets).toEqual([]);
      expect(await snapshot(store)).toEqual(before);
    });

    it('adds a later capture: times widen, counts add, identities merge', async () => {
      const store = await fresh();
      const b = later(plant, 'plant-b', DAY);
      await store.ingest(plant);
      const plcBefore = (await store.getAsset(PLC))!;
      const flowsBefore = await store.flows(PLC, HMI);
      const report = await store.ingest(b);
      expect(report.newAssets).toEqual([]);
      const plc = (await store.getAsset(PLC))!;
      expect(plc.first).toBe(plcBefore.first);
      expect(plc.last).toBe(plcBefore.last + DAY);
      const flowsAfter = await store.flows(PLC, HMI);
      expect(flowsAfter.map((f) => f.flows)).toEqual(flowsBefore.map((f) => f.flows * 2));
      expect(flowsAfter.map((f) => f.packets)).toEqual(
        flowsBefore.map((f) => [f.packets[0] * 2, f.packets[1] * 2]),
      );
      const vendorCount = (a: Asset) => a.facts.find((f) => f.key === 'vendor')!.evidence.count;
      expect(vendorCount(plc)).toBe(vendorCount(plcBefore) * 2);
      expect(normaliseAssets(await storedAssets(store))).toEqual(
        normaliseAssets(await direct([...plant, ...b])),
      );
    });

    it('merges a device re-addressed in a later capture, and one serial on two interfaces', async () => {
      const store = await fresh();
      const M = '00:80:f4:00:00:05';
      const M2 = '00:80:f4:00:00:06';
      const first = [
        sighting('cap-1', { ip: '10.20.0.5', mac: M }, 'arp', {}),
        sighting('cap-1', { ip: '10.20.0.5', mac: M }, 'enip', { serial: '60C1A2B3', vendor: 'Rockwell' }),
      ];
      const second = [
        sighting('cap-2', { ip: '10.20.0.9', mac: M }, 'arp', {}, 5_000),
        sighting('cap-2', { ip: '10.30.0.9', mac: M2 }, 'arp', {}, 5_000),
        sighting('cap-2', { ip: '10.30.0.9', mac: M2 }, 'enip', { serial: '60C1A2B3' }, 5_000),
      ];
      const r1 = await store.ingest(first);
      expect(r1.newAssets).toEqual([`mac:${M}`]);
      await store.ingest(second);
      const rows = await allRows(store);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.ips).toEqual(['10.20.0.5', '10.20.0.9', '10.30.0.9']);
      expect(rows[0]!.macs).toEqual([M, M2]);
      expect([rows[0]!.first, rows[0]!.last]).toEqual([1_000, 5_000]);
      expect(normaliseAssets(await storedAssets(store))).toEqual(
        normaliseAssets(await direct([...first, ...second])),
      );
    });

    it('filters, sorts and pages the inventory, with a total that counts every match', async () => {
      const store = await fresh();
      const v6 = [
        sighting('v6', { ip: 'fd00:1::10', mac: '00:1b:1b:00:00:10' }, 'dhcpv6', { name: 'v6-a' }),
        sighting('v6', { ip: 'fd00:2::10', mac: '00:1b:1b:00:00:20' }, 'dhcpv6', { name: 'v6-b' }),
      ];
      await store.ingest([...plant, ...v6]);
      const all = await allRows(store);
      const total = all.length;
      const ids = (rows: AssetRow[]) => rows.map((r) => r.id).sort();
      const list = async (q: Partial<Parameters<Store['listAssets']>[0]>) =>
        store.listAssets({ limit: 1000, offset: 0, ...q });

      const plcs = await list({ role: ['plc'] });
      expect(ids(plcs.items)).toEqual(ids(all.filter((r) => r.role === 'plc')));
      expect(plcs.total).toBe(plcs.items.length);
      expect(plcs.items.length).toBeGreaterThan(0);
      const two = await list({ role: ['plc', 'hmi'] });
      expect(ids(two.items)).toEqual(ids(all.filter((r) => r.role === 'plc' || r.role === 'hmi')));

      const plc = all.find((r) => r.id === PLC)!;
      const vendor = await list({ vendor: plc.vendor!.toUpperCase() });
      expect(ids(vendor.items)).toEqual(
        ids(all.filter((r) => r.vendor?.toLowerCase() === plc.vendor!.toLowerCase())),
      );

      const modbus = await list({ protocol: 'modbus' });
      expect(ids(modbus.items)).toEqual(ids(all.filter((r) => r.protocols.includes('modbus'))));
      expect(modbus.items.map((r) => r.id)).toContain(PLC);

      const cell = await list({ subnet: '10.10.1.0/24' });
      expect(ids(cell.items)).toEqual(ids(all.filter((r) => r.ips.some((ip) => ip.startsWith('10.10.1.')))));
      expect(ids((await list({ subnet: '10.10.0.0/16' })).items)).toEqual(
        ids(all.filter((r) => r.ips.some((ip) => ip.startsWith('10.10.')))),
      );
      expect((await list({ subnet: 'fd00:1::/64' })).items.map((r) => r.names)).toEqual([['v6-a']]);
      expect((await list({ subnet: 'fd00::/8' })).total).toBe(2);
      expect((await list({ subnet: '0.0.0.0/0' })).total).toBe(
        all.filter((r) => r.ips.some((ip) => ip.includes('.'))).length,
      );

      expect(ids((await list({ search: PLANT.plcPress.mac.slice(-5).toUpperCase() })).items)).toEqual([PLC]);
      const named = await list({ search: 'V6-' });
      expect(named.items.map((r) => r.names[0])).toEqual(['v6-a', 'v6-b']);
      expect((await list({ search: 'v6-', subnet: 'fd00:2::/32' })).total).toBe(1);

      // Sorting: numeric IP order, IPv4 before IPv6, assets without an IP last either way.
      const byIp = (await list({ sort: 'ip' })).items;
      const withIp = byIp.filter((r) => r.ips.length > 0);
      expect(byIp.slice(0, withIp.length)).toEqual(withIp);
      expect(withIp.at(-1)!.ips[0]).toBe('fd00:2::10');
      expect(withIp.findIndex((r) => r.ips[0] === '10.10.1.20')).toBeLessThan(
        withIp.findIndex((r) => r.ips[0] === '10.10.2.10'),
      );
      const desc = (await list({ sort: 'ip', order: 'desc' })).items;
      expect(desc[0]!.ips[0]).toBe('fd00:2::10');
      expect(desc.at(-1)!.ips).toEqual([]);
      const byPurdue = (await list({ sort: 'purdue' })).items.map((r) => r.purdue);
      const known = byPurdue.filter((p) => p !== null) as number[];
      expect(byPurdue).toEqual([...known.sort((a, b) => a - b), ...byPurdue.filter((p) => p === null)]);
      const byFirst = (await list({ sort: 'first', order: 'desc' })).items.map((r) => r.first);
      expect(byFirst).toEqual([...byFirst].sort((a, b) => b - a));

      // Pages of 3 put together are the whole list, each with the full total.
      const pages: AssetRow[] = [];
      for (let offset = 0; offset < total; offset += 3) {
        const page = await store.listAssets({ sort: 'name', limit: 3, offset });
        expect(page.total).toBe(total);
        expect([page.limit, page.offset]).toEqual([3, offset]);
        pages.push(...page.items);
      }
      expect(pages).toEqual((await list({ sort: 'name' })).items);
      const last = await store.listAssets({ role: ['plc'], limit: 1, offset: plcs.total });
      expect([last.items, last.total]).toEqual([[], plcs.total]);
    });

    it('takes SQL-looking filter values as plain data', async () => {
      const store = await fresh();
      const sly = "x'); DROP TABLE assets; --";
      await store.ingest([
        ...plant,
        sighting('sly', { ip: '10.66.0.1', mac: '00:80:f4:00:66:01' }, 'enip', {
          name: sly,
          vendor: "O'Brien % _ Ltd",
        }),
      ]);
      const total = (await allRows(store)).length;
      const count = (q: Partial<Parameters<Store['listAssets']>[0]>) =>
        store.listAssets({ limit: 1000, offset: 0, ...q }).then((p) => p.total);
      expect(await count({ search: "' OR '1'='1" })).toBe(0);
      expect(await count({ search: '%' })).toBe(1);
      expect(await count({ search: '_' })).toBe(1);
      expect(await count({ search: '!' })).toBe(0);
      expect(await count({ search: sly })).toBe(1);
      expect(await count({ vendor: "o'brien % _ ltd" })).toBe(1);
      expect(await count({ vendor: "' OR 1=1 --" })).toBe(0);
      expect(await count({ protocol: "modbus' OR '1'='1" })).toBe(0);
      expect(await count({ role: ["plc' OR '1'='1" as 'plc'] })).toBe(0);
      expect(await store.getAsset("' OR 1=1 --")).toBeUndefined();
      expect(await store.flows("' OR 1=1 --")).toEqual([]);
      expect(await count({})).toBe(total);
      expect((await store.getAsset('mac:00:80:f4:00:66:01'))!.names).toEqual([sly]);
    });

    it('refuses a subnet that is not a CIDR block, naming it', async () => {
      const store = await fresh();
      for (const subnet of ['10.0.0.0', '10.0.0.0/33', "10.0.0.0/8' OR 1=1"]) {
        const err = await store.listAssets({ subnet, limit: 10, offset: 0 }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(StoreError);
        expect(err).toMatchObject({ code: 'invalid', field: 'subnet' });
      }
    });

    it('returns an asset with its facts and their evidence, protocols and peers', async () => {
      const store = await fresh();
      await store.ingest(plant);
      const plc = (await store.getAsset(PLC))!;
      expect(plc.ips).toEqual([PLANT.plcPress.ip]);
      const modbus = plc.protocols.find((p) => p.name === 'modbus')!;
      expect(modbus).toMatchObject({ server: true, ports: [502] });
      const vendor = plc.facts.find((f) => f.key === 'vendor')!;
      expect(vendor.evidence).toMatchObject({ protocol: 'modbus', source: 'plant-a' });
      expect(vendor.evidence.count).toBe(
        plant.filter((e) => e.kind === 'asset.observed' && e.at.ip === PLANT.plcPress.ip && e.facts.vendor)
          .length,
      );
      expect(plc.peers.map((p) => p.asset)).toContain(HMI);
      expect(plc.peers.find((p) => p.asset === HMI)!.name).toBe(assetLabel((await store.getAsset(HMI))!));
      expect(await store.getAsset('mac:00:00:00:00:00:00')).toBeUndefined();
    });

    it('names the peers of an asset document written before peers had names', async () => {
      const { store, raw } = await withRawAccess();
      try {
        const row = await raw.db
          .selectFrom('assets')
          .select('doc')
          .where('id', '=', PLC)
          .executeTakeFirstOrThrow();
        const doc = JSON.parse(row.doc) as { peers: { name?: string }[] };
        for (const p of doc.peers) delete p.name;
        await raw.db
          .updateTable('assets')
          .set({ doc: JSON.stringify(doc) })
          .where('id', '=', PLC)
          .execute();
      } finally {
        await raw.db.destroy();
      }
      const plc = (await store.getAsset(PLC))!;
      expect(plc.peers.find((p) => p.asset === HMI)!.name).toBe(HMI.slice(HMI.indexOf(':') + 1));
    });

    it('folds flows and operations per asset pair, in either direction, from the events', async () => {
      const store = await fresh();
      await store.ingest(plant, { batchSize: 5 });
      // Which events are between the two, by the addresses the inventory gave each asset.
      const [plcAsset, hmiAsset] = [(await store.getAsset(PLC))!, (await store.getAsset(HMI))!];
      const of = (a: Asset, at: Endpoint) => (at.ip ? a.ips.includes(at.ip) : a.macs.includes(at.mac ?? ''));
      const between = (e: LineguardEvent, a: Asset, b: Asset) =>
        (e.kind === 'flow.observed' || e.kind === 'op.observed') &&
        ((of(a, e.client) && of(b, e.server)) || (of(b, e.client) && of(a, e.server)));
      const flowEvents = plant.filter((e) => e.kind === 'flow.observed' && between(e, plcAsset, hmiAsset));
      const rows = await store.flows(PLC, HMI);
      expect(rows.length).toBeGreaterThan(0);
      expect(await store.flows(HMI, PLC)).toEqual(rows);
      for (const r of rows) expect([r.client, r.server].sort()).toEqual([HMI, PLC].sort());
      const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
      expect(sum(rows.map((r) => r.flows))).toBe(flowEvents.length);
      expect(sum(rows.map((r) => r.packets[0] + r.packets[1]))).toBe(
        sum(flowEvents.map((e) => (e.kind === 'flow.observed' ? e.packets[0] + e.packets[1] : 0))),
      );
      const modbusFlow = rows.find((r) => r.app === 'modbus')!;
      expect(modbusFlow).toMatchObject({ client: HMI, server: PLC, transport: 'tcp', serverPort: 502 });
      const plcFlows = await store.flows(PLC);
      expect(plcFlows.length).toBeGreaterThan(rows.length);
      for (const r of plcFlows) expect([r.client, r.server]).toContain(PLC);

      const opEvents = plant.filter((e) => e.kind === 'op.observed' && between(e, plcAsset, hmiAsset));
      const ops = await store.operations(PLC, HMI);
      expect(sum(ops.map((o) => o.count))).toBe(
        sum(opEvents.map((e) => (e.kind === 'op.observed' ? (e.count ?? 1) : 0))),
      );
      expect(ops.every((o) => o.client === HMI && o.server === PLC && o.protocol === 'modbus')).toBe(true);
      expect(ops.map((o) => o.count)).toEqual([...ops.map((o) => o.count)].sort((a, b) => b - a));
      expect(await store.operations(PLC, 'mac:00:00:00:00:00:00')).toEqual([]);
    });

    it('counts failed operations and keeps targets', async () => {
      const store = await fresh();
      const c = { ip: '10.1.0.10', mac: '00:d0:c9:00:00:10', port: 40000 };
      const s = { ip: '10.1.0.20', mac: '00:80:f4:00:00:20', port: 502 };
      await store.ingest([
        flow('t', c, s, { app: 'modbus' }),
        op('t', c, s, 'modbus', 'write', '6', { count: 5, ok: true, target: 'unit 1 holding 7' }),
        op('t', c, s, 'modbus', 'write', '6', { count: 2, ok: false, target: 'unit 1 holding 7', ts: 1_800 }),
        op('t', c, s, 'modbus', 'read', '3', { ts: 1_200 }),
      ]);
      const ops = await store.operations(`mac:${s.mac}`);
      expect(ops).toEqual([
        {
          client: `mac:${c.mac}`,
          server: `mac:${s.mac}`,
          protocol: 'modbus',
          op: 'write',
          code: '6',
          target: 'unit 1 holding 7',
          count: 7,
          failed: 2,
          first: 1_500,
          last: 1_900,
        },
        {
          client: `mac:${c.mac}`,
          server: `mac:${s.mac}`,
          protocol: 'modbus',
          op: 'read',
          code: '3',
          count: 1,
          failed: 0,
          first: 1_200,
          last: 1_200,
        },
      ]);
    });

    it('draws the graph from the assets and who talks to whom', async () => {
      const store = await fresh();
      await store.ingest(plant);
      const g = await store.graph();
      const rows = await allRows(store);
      expect(g.nodes.map((n) => n.id).sort()).toEqual(rows.map((r) => r.id).sort());
      const ids = new Set(g.nodes.map((n) => n.id));
      for (const e of g.edges) {
        expect(ids.has(e.source) && ids.has(e.target)).toBe(true);
        expect(e.source).not.toBe(e.target);
      }
      const hmiPlc = g.edges.find((e) => e.source === HMI && e.target === PLC)!;
      expect(hmiPlc.protocols).toContain('modbus');
      const reads = (await store.operations(PLC, HMI))
        .filter((o) => o.op === 'read')
        .reduce((a, o) => a + o.count, 0);
      expect(hmiPlc.ops.read).toBe(reads);
      const packets = (await store.flows(PLC, HMI))
        .filter((f) => f.client === HMI)
        .reduce((a, f) => a + f.packets[0] + f.packets[1], 0);
      expect(hmiPlc.packets).toBe(packets);
      const plcNode = g.nodes.find((n) => n.id === PLC)!;
      expect(plcNode).toMatchObject({ role: 'plc', purdue: 1 });
    });

    it('sums up the inventory in stats', async () => {
      const store = await fresh();
      await store.ingest(plant);
      const rows = await allRows(store);
      const s = await store.stats();
      expect(s.assets).toBe(rows.length);
      expect(Object.values(s.byRole).reduce((a, n) => a + n, 0)).toBe(rows.length);
      expect(s.byRole.plc).toBe(rows.filter((r) => r.role === 'plc').length);
      expect(s.byPurdue.reduce((a, p) => a + p.assets, 0)).toBe(rows.length);
      expect(s.byVendor.reduce((a, v) => a + v.assets, 0)).toBe(rows.filter((r) => r.vendor).length);
      const modbus = s.protocols.find((p) => p.name === 'modbus')!;
      expect(modbus.assets).toBe(rows.filter((r) => r.protocols.includes('modbus')).length);
      expect(modbus.flows).toBe(plant.filter((e) => e.kind === 'flow.observed' && e.app === 'modbus').length);
      expect(s.newest.length).toBe(Math.min(10, rows.length));
      expect(s.newest.map((r) => r.first)).toEqual([...s.newest.map((r) => r.first)].sort((a, b) => b - a));
    });

    it('keeps users unique by name regardless of case, and their sessions', async () => {
      const store = await fresh();
      expect(await store.countUsers()).toBe(0);
      const admin = await store.createUser({ name: 'Admin', role: 'admin', passwordHash: 'scrypt$x' });
      expect(admin).toMatchObject({
        name: 'Admin',
        role: 'admin',
        disabled: false,
        passwordHash: 'scrypt$x',
      });
      const err = await store
        .createUser({ name: 'ADMIN', role: 'viewer', passwordHash: 'h' })
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'conflict', field: 'name' });
      expect(await store.userByName('aDmIn')).toEqual(admin);
      expect(await store.userById(admin.id)).toEqual(admin);
      expect(await store.userByName("admin' OR '1'='1")).toBeUndefined();
      const eng = await store.createUser({ name: "o'neil", role: 'engineer', passwordHash: 'h2' });
      expect((await store.listUsers()).map((u) => u.name)).toEqual(['Admin', "o'neil"]);
      expect(await store.countUsers()).toBe(2);
      await store.setPassword(eng.id, 'h3');
      expect((await store.userById(eng.id))?.passwordHash).toBe('h3');
      expect((await store.userById(admin.id))?.passwordHash).toBe('scrypt$x');
      await expect(store.setPassword('nobody', 'h')).rejects.toMatchObject({
        code: 'invalid',
        field: 'user',
      });

      const session = {
        id: 'a'.repeat(64),
        userId: admin.id,
        csrf: 'c',
        created: 1,
        expires: 100,
        lastSeen: 1,
      };
      await store.createSession(session);
      await store.createSession({ ...session, id: 'b'.repeat(64) });
      await store.createSession({ ...session, id: 'c'.repeat(64), userId: eng.id });
      expect(await store.session(session.id)).toEqual(session);
      await store.touchSession(session.id, 50, 200);
      expect(await store.session(session.id)).toEqual({ ...session, lastSeen: 50, expires: 200 });
      await store.deleteSession(session.id);
      expect(await store.session(session.id)).toBeUndefined();
      await store.createSession({ ...session, id: 'e'.repeat(64) });
      await store.deleteUserSessions(admin.id, 'e'.repeat(64));
      expect(await store.session('b'.repeat(64))).toBeUndefined();
      expect(await store.session('e'.repeat(64))).toBeDefined();
      await store.deleteUserSessions(admin.id);
      expect(await store.session('e'.repeat(64))).toBeUndefined();
      expect(await store.session('c'.repeat(64))).toBeDefined();
      await expect(
        store.createSession({ ...session, id: 'd'.repeat(64), userId: 'nobody' }),
      ).rejects.toThrow();
    });

    it('keeps everything across a reopen, migrating only once', async () => {
      const db = await testDatabase(dialect);
      const first = await openStore(db.options);
      opened.push({ store: first, db });
      await first.ingest(plant);
      await first.createUser({ name: 'ops', role: 'viewer', passwordHash: 'h' });
      const before = await snapshot(first);
      await first.close();
      const second = await openStore(db.options);
      opened.push({ store: second, db: { ...db, drop: async () => {} } });
      expect(await snapshot(second)).toEqual(before);
      expect((await second.userByName('OPS'))?.name).toBe('ops');
    });

    it('refuses a malformed event, keeping the batches before it and none of its own', async () => {
      const store = await fresh();
      const c = { ip: '10.1.0.10', mac: '00:d0:c9:00:00:10', port: 40000 };
      const events: LineguardEvent[] = [];
      for (let i = 0; i < 25; i++)
        events.push(flow('bad', c, { ip: `10.2.0.${i + 1}`, port: 502 }, { app: 'modbus' }));
      events.push(flow('bad', c, { ip: '10.2.1.1', port: 502 }, { first: Number.NaN }));
      const err = await store.ingest(events, { batchSize: 10 }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'invalid', field: 'events[25]' });
      expect((err as Error).message).toMatch(/first or last is not a finite time/);
      // Two whole batches: the client and the 20 servers they reach; nothing of the third.
      const rows = await allRows(store);
      expect(rows).toHaveLength(21);
      expect(rows.some((r) => r.ips.includes('10.2.0.21'))).toBe(false);
      expect(await store.flows(`mac:${c.mac}`)).toHaveLength(20);
    });

    it('leaves no trace of an ingest refused before its first batch', async () => {
      const { store, raw } = await withRawAccess();
      try {
        const count = async () =>
          Number(
            (
              await raw.db
                .selectFrom('ingests')
                .select((eb) => eb.fn.countAll<number>().as('n'))
                .executeTakeFirstOrThrow()
            ).n,
          );
        const before = await count();
        const bad = flow(
          'bad',
          { ip: '10.1.0.10', port: 40000 },
          { ip: '10.2.1.1', port: 502 },
          { first: Number.NaN },
        );
        await expect(store.ingest([bad])).rejects.toMatchObject({ code: 'invalid', field: 'events[0]' });
        expect(await count()).toBe(before);
        // One that committed a batch first keeps its row, unfinished, beside its data.
        const ok = flow('bad', { ip: '10.1.0.10', port: 40000 }, { ip: '10.2.0.1', port: 502 });
        await expect(store.ingest([ok, bad], { batchSize: 1 })).rejects.toMatchObject({ field: 'events[1]' });
        const rows = await raw.db
          .selectFrom('ingests')
          .select(['finished', 'events'])
          .orderBy('id')
          .execute();
        expect(rows).toHaveLength(before + 1);
        expect(rows.at(-1)).toMatchObject({ finished: null });
      } finally {
        await raw.db.destroy();
      }
    });

    it('stores NUL and other odd characters from packets the same way on both databases', async () => {
      const store = await fresh();
      await store.ingest([
        sighting('nul', { ip: '10.9.0.1', mac: '00:80:f4:00:09:01' }, 'enip', {
          name: 'a\0b',
          model: 'µ-PLC ✓',
        }),
      ]);
      const a = (await store.getAsset('mac:00:80:f4:00:09:01'))!;
      expect(a.names).toEqual(['a\uFFFDb']);
      expect(a.model).toBe('µ-PLC ✓');
    });
  });
}
