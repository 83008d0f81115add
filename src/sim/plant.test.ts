import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeBytes } from '../capture/analyze.js';
import type { LineguardEvent } from '../events/types.js';
import { buildInventory } from '../inventory/assemble.js';
import { Observations } from '../inventory/observations.js';
import type { Asset } from '../inventory/types.js';
import { operations } from '../protocols/testing/engine.js';
import {
  describePlant,
  PLANT,
  type PlantHost,
  type PlantOptions,
  plantCapture,
  plantFrames,
} from './plant.js';
import { GENERATED_CELL_SIZE } from './plant-model.js';

/** tshark's expert severity for warnings (PI_WARN); errors and malformed packets rank above. */
const WARNING = 0x00600000;

function tsharkAvailable(): boolean {
  if (spawnSync('tshark', ['--version']).status === 0) return true;
  if (process.env.CI === 'true') throw new Error('CI=true but tshark is missing');
  console.warn('skipping tshark check of the sample plant: tshark is not installed');
  return false;
}

async function inventoryOf(o: PlantOptions): Promise<{ assets: Asset[]; events: LineguardEvent[] }> {
  const { events, summary } = await analyzeBytes(plantCapture(o), { source: 'plant' });
  expect(summary.inputs[0]!.error).toBeUndefined();
  const obs = new Observations();
  for (const e of events) obs.emit(e);
  const { assets } = await buildInventory(obs);
  return { assets, events };
}

/** Each described device's asset: by IP, or by MAC for those known only at layer 2. */
function assetsByHost(assets: Asset[], hosts: PlantHost[]): Map<PlantHost, Asset> {
  const found = new Map<PlantHost, Asset>();
  for (const h of hosts) {
    const a = assets.find((x) => (h.layer2 ? x.macs.includes(h.mac) : x.ips.includes(h.ip)));
    expect(a, `${h.name} is in the inventory`).toBeDefined();
    found.set(h, a!);
  }
  return found;
}

/** The inventory is the plant: one asset per device and no other, each with its role and identity. */
function expectPlant(assets: Asset[], hosts: PlantHost[]): Map<PlantHost, Asset> {
  const found = assetsByHost(assets, hosts);
  expect(new Set(found.values()).size, 'one asset per device').toBe(hosts.length);
  expect(assets).toHaveLength(hosts.length);
  for (const [h, a] of found) {
    expect(a.role.role, h.name).toBe(h.role);
    const { name, ...identity } = h.identity ?? {};
    expect(a, h.name).toMatchObject(identity);
    if (name !== undefined) expect(a.names, h.name).toEqual([name]);
    // Only routers front other hosts' traffic.
    expect(a.role.reasons.includes('mac-fronts-other-hosts'), h.name).toBe(
      h.role === 'router' && h.layer2 === true,
    );
  }
  return found;
}

describe('sample plant', () => {
  it('is deterministic', () => {
    expect(plantCapture().equals(plantCapture())).toBe(true);
    expect(plantCapture({ cells: 3 }).equals(plantCapture({ cells: 3 }))).toBe(true);
    expect(plantCapture({ durationSec: 40 }).length).toBeLessThan(plantCapture().length);
  });

  it('refuses sizes it cannot build, naming the option', () => {
    expect(() => plantFrames({ cells: 1 })).toThrow(/cells must be a whole number from 2/);
    expect(() => plantFrames({ cells: 2.5 })).toThrow(/cells/);
    expect(() => describePlant({ durationSec: 39 })).toThrow(/durationSec/);
  });

  it('is one capture of several zones: every device inside its zone, routers between them', async () => {
    const plant = describePlant();
    expect(plant.zones.map((z) => z.name)).toEqual([
      'enterprise',
      'supervisory',
      'cell-a',
      'cell-b',
      'remote',
    ]);
    for (const h of plant.hosts) {
      const zone = plant.zones.find((z) => z.name === h.zone)!;
      expect(h.ip.startsWith(zone.subnet.slice(0, zone.subnet.lastIndexOf('.') + 1)), h.name).toBe(true);
    }
    const { summary } = await analyzeBytes(plantCapture(), { source: 'plant' });
    expect(summary.protocols.map((p) => p.name).sort()).toEqual(
      ['arp', 'cdp', 'dhcp', 'dns', 'enip', 'lldp', 'modbus', 'nbns', 's7comm', 'tcp/3389'].sort(),
    );
    expect(summary.anomalies).toEqual({});
    expect(summary.analyzerErrors).toBe(0);
    expect(summary.tcp.gapBytes).toBe(0);
    expect(summary.skipped.malformed + summary.skipped.truncated).toBe(0);
    const byIp = new Map(summary.hosts.map((h) => [h.ip, h]));
    // Cell devices carry their own MACs; routed clients their gateway's.
    expect(byIp.get(PLANT.plcWeld.ip)!.macs).toEqual([PLANT.plcWeld.mac]);
    expect(byIp.get(PLANT.historian.ip)!.macs).toEqual([PLANT.cellGateway.mac]);
    expect(byIp.get(PLANT.vendor.ip)!.macs).toEqual([PLANT.otGateway.mac]);
    expect(byIp.get(PLANT.engWs.ip)!.macs.sort()).toEqual(
      [PLANT.engWs.mac, PLANT.cellGateway.mac, PLANT.cellBGateway.mac].sort(),
    );
  });

  it('inventories as exactly the plant it describes: devices, roles, identities, operations', async () => {
    const plant = describePlant();
    const { assets, events } = await inventoryOf({});
    const found = expectPlant(assets, plant.hosts);
    const at = (h: PlantHost) => found.get(h)!;
    // Seen only through routers (or only named by DHCP): no MAC of their own.
    for (const h of plant.hosts) {
      const remote = h === PLANT.historian || h === PLANT.vendor || h === PLANT.itGateway || h.layer2;
      if (!h.layer2) expect(at(h).macs, h.name).toEqual(remote ? [] : [h.mac]);
    }
    const ops = (client: PlantHost, server: PlantHost) =>
      at(client).peers.find((p) => p.asset === at(server).id)?.opsSent;
    expect(ops(PLANT.hmi, PLANT.plcPress)).toEqual({ read: 120 });
    expect(ops(PLANT.hmi, PLANT.plcWeld)).toEqual({ other: 1, read: 60, write: 1 });
    expect(ops(PLANT.hmiPack, PLANT.plcPack)).toEqual({ other: 2, read: 180, write: 1 });
    expect(ops(PLANT.historian, PLANT.plcPress)).toEqual({ read: 6 });
    expect(ops(PLANT.engWs, PLANT.plcPress)).toEqual({ identify: 1, write: 1 });
    expect(ops(PLANT.engWs, PLANT.plcPack)).toEqual({ identify: 1 });
    // Setup, two identity SZLs, stop, OB1 (1 piece), FC1 (3 pieces), DB10 (1 piece) each
    // requested, pulled, ended and activated, warm restart.
    expect(ops(PLANT.engWs, PLANT.plcWeld)).toEqual({ other: 1, identify: 2, control: 2, program: 14 });
    const download = operations(events)
      .filter((o) => o.op === 'program' || o.op === 'control')
      .map((o) => [o.client.ip, o.server.ip, o.op, o.code, o.target, o.ok]);
    const step = (op: string, code: string, target: string) => [
      PLANT.engWs.ip,
      PLANT.plcWeld.ip,
      op,
      code,
      target,
      true,
    ];
    const block = (name: string, pieces: number) => [
      step('program', '0x1a', name),
      ...Array.from({ length: pieces }, () => step('program', '0x1b', name)),
      step('program', '0x1c', name),
      step('program', '0x28', `_INSE ${name}`),
    ];
    expect(download).toEqual([
      step('control', '0x29', 'P_PROGRAM'),
      ...block('OB1', 1),
      ...block('FC1', 3),
      ...block('DB10', 1),
      step('control', '0x28', 'P_PROGRAM (warm restart)'),
    ]);
  });

  it('grows by generated cells, each inventoried as the cell it describes', async () => {
    const plant = describePlant({ cells: 4 });
    expect(plant.hosts).toHaveLength(describePlant().hosts.length + 2 * GENERATED_CELL_SIZE);
    expect(plant.zones.map((z) => [z.name, z.subnet]).slice(-2)).toEqual([
      ['cell-003', '10.20.0.0/24'],
      ['cell-004', '10.20.1.0/24'],
    ]);
    const { assets } = await inventoryOf({ cells: 4 });
    const found = expectPlant(assets, plant.hosts);
    const hmi = plant.hosts.find((h) => h.name === 'hmi-003')!;
    const plcs = plant.hosts.filter((h) => h.zone === 'cell-003' && h.role === 'plc');
    expect(new Set(plcs.map((p) => p.serves?.protocol))).toEqual(new Set(['modbus', 's7comm', 'enip']));
    for (const plc of plcs) {
      const peer = found.get(hmi)!.peers.find((p) => p.asset === found.get(plc)!.id);
      expect(peer?.opsSent.read, plc.name).toBeGreaterThan(0);
    }
    // A console load test's plant: about 5,000 devices.
    expect(describePlant({ cells: 715 }).hosts.length).toBeGreaterThanOrEqual(5_000);
  });

  it.skipIf(!tsharkAvailable())(
    'decodes in tshark without a malformed or warning mark, generated cells too',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'lineguard-plant-'));
      try {
        for (const o of [{}, { cells: 4 }] satisfies PlantOptions[]) {
          const file = join(dir, 'plant.pcap');
          writeFileSync(file, plantCapture(o));
          // One pass: each frame's protocols, malformed mark, expert severities, download lengths.
          const fields = [
            'frame.protocols',
            '_ws.malformed',
            '_ws.expert.severity',
            's7comm.param.blockcontrol.filename',
            's7comm.data.blockcontrol.loadmem_len',
            's7comm.data.blockcontrol.mc7code_len',
          ];
          const r = spawnSync('tshark', ['-r', file, '-T', 'fields', ...fields.flatMap((f) => ['-e', f])], {
            encoding: 'utf8',
            maxBuffer: 64 << 20,
          });
          expect(r.status, r.stderr).toBe(0);
          const rows = r.stdout
            .trimEnd()
            .split('\n')
            .map((l) => l.split('\t'));
          const label = JSON.stringify(o);
          expect(rows, label).toHaveLength(plantFrames(o).length);
          const bad = rows
            .map(([, malformed = '', severities = ''], i) => ({ frame: i + 1, malformed, severities }))
            .filter((x) => x.malformed !== '' || x.severities.split(',').some((v) => Number(v) >= WARNING));
          expect(bad, label).toEqual([]);
          // tshark takes every conversation for what it is.
          const protocols = new Set(rows.flatMap(([p = '']) => p.split(':')));
          for (const p of ['s7comm', 'cip', 'cipcm', 'modbus', 'lldp', 'cdp', 'dhcp', 'nbns', 'rdp'])
            expect(protocols.has(p), `${p} in ${label}`).toBe(true);
          if (!('cells' in o)) {
            // The program as STEP 7 announces it: file, load-memory and MC7 code lengths.
            expect(rows.filter((x) => x[4]).map((x) => x.slice(3).join(' '))).toEqual([
              '_0800001P 000188 000096',
              '_0C00001P 000518 000412',
              '_0A00010P 000164 000064',
            ]);
          }
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
