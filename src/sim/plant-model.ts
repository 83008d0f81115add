/**
 * The sample plant as the simulator describes it: zones, and every device with its role, zone
 * and what it discloses about itself on the wire. The capture writer (plant.ts) speaks for
 * these devices, and the plant test holds the inventory of that capture to this description.
 *
 * Layout: an enterprise network (IT hosts, DNS/DHCP), a supervisory zone (historian,
 * engineering workstation) behind the OT gateway, which also terminates the suppliers' VPN
 * (remote), and production cells, each behind its own router. Cell A presses and welds with a
 * Schneider Modicon (Modbus/TCP) and a Siemens S7-300 (S7comm); cell B packs with a Rockwell
 * CompactLogix (EtherNet/IP). `cells` above 2 adds generated cells for load tests.
 */
import type { Role } from '../inventory/types.js';
import type { Host } from './frames.js';

/** What a device states about itself, in the inventory's terms (and so on the wire). */
export interface Identity {
  name?: string;
  vendor?: string;
  model?: string;
  firmware?: string;
  serial?: string;
}

/** The controller protocol a PLC serves, with what that protocol needs beyond its identity. */
export type Controller =
  | { protocol: 'modbus'; unit: number }
  /** S7-300 CPU: module type name (SZL 0x001c), rack and slot (the called TSAP). */
  | { protocol: 's7comm'; moduleType: string; rack: number; slot: number }
  /** CIP Identity: vendor id (1 is Rockwell Automation/Allen-Bradley), device type, product code. */
  | { protocol: 'enip'; vendorId: number; deviceType: number; productCode: number };

export type S7Cpu = Extract<Controller, { protocol: 's7comm' }>;
export type CipDevice = Extract<Controller, { protocol: 'enip' }>;

export interface PlantHost extends Host {
  name: string;
  role: Role;
  zone: string;
  /** Known by its MAC only: switches announce themselves at layer 2, routers show on routed frames. */
  layer2?: true;
  serves?: Controller;
  identity?: Identity;
}

export interface Zone {
  name: string;
  /** A /24: `10.10.1.0/24`. */
  subnet: string;
}

export interface Plant {
  zones: Zone[];
  hosts: PlantHost[];
}

export interface PlantOptions {
  /** Seconds of traffic (default 60, at least 40: the engineering work happens in the first 40). */
  durationSec?: number;
  /** Production cells (default 2: cells A and B); more adds generated cells of 7 devices each. */
  cells?: number;
}

export const ZONES = {
  enterprise: { name: 'enterprise', subnet: '10.0.1.0/24' },
  supervisory: { name: 'supervisory', subnet: '10.10.0.0/24' },
  cellA: { name: 'cell-a', subnet: '10.10.1.0/24' },
  cellB: { name: 'cell-b', subnet: '10.10.2.0/24' },
  remote: { name: 'remote', subnet: '172.16.50.0/24' },
} as const satisfies Record<string, Zone>;

const S7_315: S7Cpu = { protocol: 's7comm', moduleType: 'CPU 315-2 PN/DP', rack: 0, slot: 2 };
const COMPACTLOGIX: CipDevice = { protocol: 'enip', vendorId: 1, deviceType: 14, productCode: 155 };
const ROCKWELL = 'Rockwell Automation/Allen-Bradley';

export const PLANT = {
  plcPress: {
    name: 'plc-press-01',
    role: 'plc',
    zone: 'cell-a',
    mac: '00:80:f4:12:34:01',
    ip: '10.10.1.20',
    serves: { protocol: 'modbus', unit: 1 },
    identity: { vendor: 'Schneider Electric', model: 'BMX P34 2020', firmware: 'v3.20' },
  },
  plcWeld: {
    name: 'plc-weld-01',
    role: 'plc',
    zone: 'cell-a',
    mac: '00:1b:1b:7a:10:21',
    ip: '10.10.1.21',
    /** SIMATIC CPs start packets at TTL 30. */
    ttl: 30,
    serves: S7_315,
    identity: {
      name: 'plc-weld-01',
      vendor: 'Siemens',
      model: '6ES7 315-2EH14-0AB0',
      firmware: 'V3.2.6',
      serial: 'S C-H4N718302015',
    },
  },
  hmi: { name: 'hmi-line-01', role: 'hmi', zone: 'cell-a', mac: '00:d0:c9:ab:00:10', ip: '10.10.1.10' },
  plcPack: {
    name: 'plc-pack-01',
    role: 'plc',
    zone: 'cell-b',
    mac: '00:00:bc:5d:20:20',
    ip: '10.10.2.20',
    serves: COMPACTLOGIX,
    identity: { vendor: ROCKWELL, model: '1769-L33ER/A LOGIX5333ER', firmware: '32.11', serial: '60C1A2B3' },
  },
  hmiPack: { name: 'hmi-line-02', role: 'hmi', zone: 'cell-b', mac: '00:00:bc:5d:20:10', ip: '10.10.2.10' },
  historian: {
    name: 'hist-01',
    role: 'historian',
    zone: 'supervisory',
    mac: '00:15:5d:00:04:40',
    ip: '10.10.0.40',
    identity: { name: 'hist-01.plant.example' },
  },
  engWs: {
    name: 'eng-ws-01',
    role: 'engineering-workstation',
    zone: 'supervisory',
    mac: '14:18:77:00:03:30',
    /** Windows: packets start at TTL 128. */
    ttl: 128,
    ip: '10.10.0.30',
    identity: { name: 'ENG-WS-01' },
  },
  /** The OT gateway: enterprise and the suppliers' VPN on one side, the supervisory zone on the other. */
  otGateway: {
    name: 'fw-ot',
    role: 'router',
    zone: 'supervisory',
    mac: '00:00:0c:4a:10:01',
    ip: '10.10.0.1',
    layer2: true,
    identity: {
      name: 'fw-ot.plant.example',
      vendor: 'Cisco',
      model: 'IE-4010-16S12P',
      firmware: '15.2(7)E4',
    },
  },
  cellGateway: {
    name: 'fw-cell-a',
    role: 'router',
    zone: 'cell-a',
    mac: '00:00:0c:4a:11:01',
    ip: '10.10.1.1',
    layer2: true,
  },
  cellBGateway: {
    name: 'fw-cell-b',
    role: 'router',
    zone: 'cell-b',
    mac: '00:00:0c:4a:12:01',
    ip: '10.10.2.1',
    layer2: true,
  },
  /** The cells' managed switches: seen only at layer 2 (LLDP). */
  switchCell: {
    name: 'sw-cell-a',
    role: 'switch',
    zone: 'cell-a',
    mac: '00:1b:1b:5c:a1:01',
    ip: '10.10.1.2',
    layer2: true,
    identity: { name: 'sw-cell-a', vendor: 'Siemens', model: 'SCALANCE XC208', firmware: 'V04.03.01' },
  },
  switchCellB: {
    name: 'sw-cell-b',
    role: 'switch',
    zone: 'cell-b',
    mac: '5c:88:16:c2:0b:01',
    ip: '10.10.2.2',
    layer2: true,
    identity: {
      name: 'sw-cell-b',
      vendor: 'Rockwell Automation',
      model: 'Stratix 5700',
      firmware: '15.2(7)E4',
    },
  },
  /** The enterprise network's gateway: named only by the DHCP server's router option. */
  itGateway: {
    name: 'rt-it-01',
    role: 'router',
    zone: 'enterprise',
    mac: '00:00:0c:4a:01:01',
    ip: '10.0.1.1',
  },
  dns: { name: 'dc-01', role: 'it-server', zone: 'enterprise', mac: '00:50:56:00:01:02', ip: '10.0.1.2' },
  laptop: {
    name: 'lt-quality-07',
    role: 'it-host',
    zone: 'enterprise',
    mac: '3c:52:82:00:07:07',
    ip: '10.0.1.107',
    identity: { name: 'lt-quality-07' },
  },
  /** A supplier's laptop on the VPN: its frames reach the plant through the OT gateway. */
  vendor: {
    name: 'vendor-laptop',
    role: 'it-host',
    zone: 'remote',
    mac: 'f0:de:f1:50:00:10',
    ttl: 128,
    ip: '172.16.50.10',
  },
} as const satisfies Record<string, PlantHost>;

const PLCS_PER_CELL = 4;
/** Devices in each generated cell: router, switch, HMI and four PLCs. */
export const GENERATED_CELL_SIZE = 3 + PLCS_PER_CELL;

/** A generated cell's zone: cell 3 is `cell-003` on 10.20.0.0/24, cell 259 on 10.21.0.0/24. */
export function generatedZone(cell: number): Zone {
  const i = cell - 3;
  return { name: `cell-${String(cell).padStart(3, '0')}`, subnet: `10.${20 + (i >> 8)}.${i & 255}.0/24` };
}

/** Generated cells' controllers, in turn: S7-300s, CompactLogix and Modicons with their own identities. */
function generatedController(
  cell: number,
  slot: number,
): Pick<PlantHost, 'serves' | 'identity' | 'mac' | 'ttl'> {
  const n = (cell - 3) * PLCS_PER_CELL + slot;
  const tail = `${hex2(n >> 8)}:${hex2(n & 255)}`;
  switch ((cell + slot) % 3) {
    case 0:
      return {
        mac: `00:1b:1b:${hex2(0x80 | slot)}:${tail}`,
        ttl: 30,
        serves: slot & 1 ? { ...S7_315, moduleType: 'CPU 317-2 PN/DP' } : S7_315,
        identity: {
          name: `plc-${String(cell).padStart(3, '0')}-${slot + 1}`,
          vendor: 'Siemens',
          model: slot & 1 ? '6ES7 317-2EK14-0AB0' : '6ES7 315-2EH14-0AB0',
          firmware: slot & 1 ? 'V3.2.8' : 'V3.2.6',
          serial: `S C-G${String(100_000_000 + n)}`,
        },
      };
    case 1:
      return {
        mac: `e4:90:69:${hex2(0x80 | slot)}:${tail}`,
        serves: COMPACTLOGIX,
        identity: {
          vendor: ROCKWELL,
          model: '1769-L33ER/A LOGIX5333ER',
          firmware: '32.11',
          serial: (0x61000000 + n).toString(16).toUpperCase(),
        },
      };
    default:
      return {
        mac: `00:80:f4:${hex2(0x80 | slot)}:${tail}`,
        serves: { protocol: 'modbus', unit: 1 },
        identity: { vendor: 'Schneider Electric', model: 'BMX P34 2020', firmware: 'v3.20' },
      };
  }
}

/** The devices of generated cell `cell` (3 and up). */
export function generatedCell(cell: number): PlantHost[] {
  const zone = generatedZone(cell);
  const net = zone.subnet.slice(0, zone.subnet.lastIndexOf('.'));
  const i = cell - 3;
  const tail = `${hex2(i >> 8)}:${hex2(i & 255)}`;
  const tag = String(cell).padStart(3, '0');
  const hosts: PlantHost[] = [
    {
      name: `fw-cell-${tag}`,
      role: 'router',
      zone: zone.name,
      mac: `00:00:0c:7f:${tail}`,
      ip: `${net}.1`,
      layer2: true,
    },
    {
      name: `sw-cell-${tag}`,
      role: 'switch',
      zone: zone.name,
      mac: `00:1b:1b:7f:${tail}`,
      ip: `${net}.2`,
      layer2: true,
      identity: { name: `sw-cell-${tag}`, vendor: 'Siemens', model: 'SCALANCE XC208', firmware: 'V04.03.01' },
    },
    { name: `hmi-${tag}`, role: 'hmi', zone: zone.name, mac: `00:d0:c9:7f:${tail}`, ip: `${net}.10` },
  ];
  for (let slot = 0; slot < PLCS_PER_CELL; slot++) {
    hosts.push({
      name: `plc-${tag}-${slot + 1}`,
      role: 'plc',
      zone: zone.name,
      ip: `${net}.${20 + slot}`,
      ...generatedController(cell, slot),
    });
  }
  return hosts;
}

/** Generated cells at most (about 70,000 devices). */
const MAX_CELLS = 10_000;

/** The options with their defaults, or a RangeError naming the one out of range. */
export function checkedOptions(o: PlantOptions): Required<PlantOptions> {
  const durationSec = o.durationSec ?? 60;
  const cells = o.cells ?? 2;
  if (!Number.isInteger(durationSec) || durationSec < 40 || durationSec > 86_400)
    throw new RangeError(
      `plant durationSec must be a whole number of seconds from 40 to 86400, got ${durationSec}`,
    );
  if (!Number.isInteger(cells) || cells < 2 || cells > MAX_CELLS)
    throw new RangeError(`plant cells must be a whole number from 2 to ${MAX_CELLS}, got ${cells}`);
  return { durationSec, cells };
}

/** The whole plant for these options: the zones and every device. */
export function describePlant(o: PlantOptions = {}): Plant {
  const { cells } = checkedOptions(o);
  const zones: Zone[] = Object.values(ZONES);
  const hosts: PlantHost[] = Object.values(PLANT);
  for (let cell = 3; cell <= cells; cell++) {
    zones.push(generatedZone(cell));
    hosts.push(...generatedCell(cell));
  }
  return { zones, hosts };
}

function hex2(n: number): string {
  return (n & 255).toString(16).padStart(2, '0');
}
