import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeBytes } from '../capture/analyze.js';
import { buildInventory } from '../inventory/assemble.js';
import { Observations } from '../inventory/observations.js';
import type { Role } from '../inventory/types.js';
import { PLANT, type PlantHost, plantCapture } from './plant.js';

function tsharkAvailable(): boolean {
  if (spawnSync('tshark', ['--version']).status === 0) return true;
  if (process.env.CI === 'true') throw new Error('CI=true but tshark is missing');
  console.warn('skipping tshark check of the sample plant: tshark is not installed');
  return false;
}

describe('sample plant', () => {
  it('is deterministic', () => {
    expect(plantCapture().equals(plantCapture())).toBe(true);
  });

  it('is the plant it describes', async () => {
    const { summary, events } = await analyzeBytes(plantCapture(), { source: 'plant' });
    expect(summary.inputs[0]!.error).toBeUndefined();
    const onWire = [
      PLANT.plcPress,
      PLANT.hmi,
      PLANT.historian,
      PLANT.engWs,
      PLANT.dns,
      PLANT.laptop,
      PLANT.vendor,
    ];
    expect(
      summary.hosts
        .filter((h) => !h.group && h.ip !== undefined)
        .map((h) => h.ip)
        .sort(),
    ).toEqual(onWire.map((h) => h.ip).sort());
    const byIp = new Map(summary.hosts.map((h) => [h.ip, h]));
    // Hosts in the cell are seen with their own MACs; routed ones behind their gateway's.
    expect(byIp.get(PLANT.plcPress.ip)!.macs).toEqual([PLANT.plcPress.mac]);
    expect(byIp.get(PLANT.historian.ip)!.macs).toEqual([PLANT.otGateway.mac]);
    expect(byIp.get(PLANT.historian.ip)!.names).toEqual(['hist-01.plant.example']);
    expect(byIp.get(PLANT.laptop.ip)!.names).toEqual([PLANT.laptop.name]);
    expect(byIp.get('10.10.0.255')!.group).toBe(true);
    // The switch speaks only LLDP: a MAC with its system name.
    expect(summary.hosts.find((h) => h.macs[0] === PLANT.switchCell.mac && !h.ip)!.names).toEqual([
      PLANT.switchCell.name,
    ]);
    expect(summary.protocols.map((p) => p.name).sort()).toEqual(
      ['arp', 'cdp', 'dhcp', 'dns', 'lldp', 'modbus', 'nbns', 'tcp/3389'].sort(),
    );
    expect(summary.anomalies).toEqual({});
    const flows = events.filter((e) => e.kind === 'flow.observed');
    const modbus = flows.filter((f) => f.kind === 'flow.observed' && f.server.port === 502);
    expect(modbus).toHaveLength(1 + 6 + 1);
    expect(summary.tcp.gapBytes).toBe(0);
    expect(summary.skipped.malformed + summary.skipped.truncated).toBe(0);
  });

  it('inventories as the plant it describes: every device, its role and identity', async () => {
    const obs = new Observations();
    const { events } = await analyzeBytes(plantCapture(), { source: 'plant' });
    for (const e of events) obs.emit(e);
    const { assets } = await buildInventory(obs);
    const byIp = (ip: string) => assets.find((a) => a.ips.includes(ip));
    const byMac = (mac: string) => assets.find((a) => a.macs.includes(mac));
    const roles: [PlantHost, Role, 'ip' | 'mac'][] = [
      [PLANT.plcPress, 'plc', 'ip'],
      [PLANT.hmi, 'hmi', 'ip'],
      [PLANT.historian, 'historian', 'ip'],
      [PLANT.engWs, 'engineering-workstation', 'ip'],
      [PLANT.dns, 'it-server', 'ip'],
      [PLANT.laptop, 'it-host', 'ip'],
      [PLANT.vendor, 'it-host', 'ip'],
      [PLANT.switchCell, 'switch', 'mac'],
      [PLANT.otGateway, 'router', 'mac'],
      [PLANT.cellGateway, 'router', 'mac'],
    ];
    for (const [host, role, by] of roles) {
      const asset = by === 'ip' ? byIp(host.ip) : byMac(host.mac);
      expect(asset?.role.role, host.name).toBe(role);
    }
    // Devices in the cell are one asset with their own MAC; routed ones have none of theirs.
    expect(byIp(PLANT.plcPress.ip)!.macs).toEqual([PLANT.plcPress.mac]);
    expect(byIp(PLANT.engWs.ip)!.macs).toEqual([PLANT.engWs.mac]);
    expect(byIp(PLANT.historian.ip)!.macs).toEqual([]);
    expect(byIp(PLANT.plcPress.ip)).toMatchObject({
      vendor: 'Schneider Electric',
      model: 'BMX P34 2020',
      firmware: 'v3.20',
    });
    expect(byMac(PLANT.switchCell.mac)).toMatchObject({ vendor: 'Siemens', model: 'SCALANCE XC208' });
    expect(byIp(PLANT.laptop.ip)!.names).toEqual([PLANT.laptop.name]);
    // NetBIOS and DNS name it alike: one name.
    expect(byIp(PLANT.engWs.ip)!.names).toEqual(['ENG-WS-01']);
    // The engineering workstation's set-point write is on record as its operation on the PLC.
    expect(byIp(PLANT.engWs.ip)!.peers.find((p) => p.asset === byIp(PLANT.plcPress.ip)!.id)).toMatchObject({
      as: 'client',
      protocols: ['modbus'],
      opsSent: { identify: 1, write: 1 },
    });
    expect(byIp(PLANT.hmi.ip)!.peers[0]).toMatchObject({ opsSent: { read: 120 } });
  });

  it.skipIf(!tsharkAvailable())('decodes in tshark without a malformed or warning mark', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lineguard-plant-'));
    try {
      const file = join(dir, 'plant.pcap');
      writeFileSync(file, plantCapture());
      const all = spawnSync('tshark', ['-r', file, '-T', 'fields', '-e', 'frame.number'], {
        encoding: 'utf8',
      });
      const bad = spawnSync(
        'tshark',
        [
          '-r',
          file,
          '-Y',
          '_ws.malformed || _ws.expert.severity >= warning',
          '-T',
          'fields',
          '-e',
          'frame.number',
        ],
        { encoding: 'utf8' },
      );
      expect(all.status).toBe(0);
      expect(all.stdout.trim().split('\n').length).toBeGreaterThan(300);
      expect(bad.stdout.trim()).toBe('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
