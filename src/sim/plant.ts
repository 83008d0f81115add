/**
 * The sample plant's capture: a deterministic trace of the plant plant-model.ts describes,
 * written by our own code so that `lineguard demo` and the tests work in any clone (the public
 * captures stay outside the repository). HMIs poll their PLCs (Modbus/TCP, S7comm,
 * EtherNet/IP), a historian reads a PLC, the engineering workstation reads identities, writes
 * set-points and downloads a program to the S7-300 (stopping and restarting it), switches and
 * routers announce themselves, IT hosts lease addresses and resolve names, and a supplier's
 * laptop reaches the workstation over remote desktop through the OT gateway.
 *
 * The sensor sees each zone's segment: a routed conversation shows on the server's segment
 * with the router's MAC in place of the client's and its TTL one lower per router.
 */

import { enipListIdentity, enipPoll } from './enip-traffic.js';
import type { Host } from './frames.js';
import {
  arpAnnounce,
  arpResolve,
  cdpAnnounce,
  dhcpLease,
  dnsLookup,
  lldpAnnounce,
  nbnsRegister,
  rdpConnect,
} from './it-traffic.js';
import { BlockType, Language, type Mc7Block, mc7Code } from './mc7.js';
import { modbusEngineering, modbusHistorian, modbusPoll, type Poll, SECOND } from './modbus-traffic.js';
import { type TimedFrame, writePcap } from './pcap-writer.js';
import {
  checkedOptions,
  generatedCell,
  PLANT,
  type PlantHost,
  type PlantOptions,
  ZONES,
} from './plant-model.js';
import { s7Download, s7Identify, s7Poll } from './s7-traffic.js';
import { Timeline } from './timeline.js';

export { describePlant, PLANT, type Plant, type PlantHost, type PlantOptions, ZONES } from './plant-model.js';

/** 2026-01-12T06:00:00Z: the morning shift starts. */
const START_US = Date.UTC(2026, 0, 12, 6, 0, 0) * 1000;

/** `host` as seen on a segment it reaches through `router`: the router's MAC, its TTL one lower. */
function via(host: PlantHost, router: PlantHost, hops = 1): Host {
  return { ip: host.ip, mac: router.mac, ttl: (host.ttl ?? 64) - hops };
}

/** The broadcast address of a zone's /24. */
function broadcast(subnet: string): string {
  return `${subnet.slice(0, subnet.lastIndexOf('.'))}.255`;
}

/** An HMI's cyclic poll of a PLC in the PLC's own protocol. */
function poll(t: Timeline, hmi: PlantHost, plc: PlantHost, p: Poll): void {
  const c = plc.serves;
  if (c?.protocol === 'modbus') modbusPoll(t, hmi, plc, c.unit, p);
  else if (c?.protocol === 's7comm') s7Poll(t, hmi, plc, c, p);
  else if (c?.protocol === 'enip') {
    const n = Number(plc.ip.split('.')[3]);
    enipPoll(t, hmi, plc, { ...p, session: 0x0200_0000 + n * 0x100, hmiSerial: 0x0040_0000 + n });
  } else throw new Error(`${plc.name} serves no controller protocol`);
}

/** The engineering workstation reads a PLC's identity, from `ws` as the PLC's segment sees it. */
function identify(t: Timeline, ws: Host, plc: PlantHost, at: { us: number; cport: number }): void {
  const c = plc.serves;
  const id = plc.identity ?? {};
  if (c?.protocol === 'modbus') modbusEngineering(t, ws, plc, c.unit, id, at);
  else if (c?.protocol === 's7comm') s7Identify(t, ws, plc, c, id, at);
  else if (c?.protocol === 'enip') enipListIdentity(t, ws, plc, c, id, at);
  else throw new Error(`${plc.name} serves no controller protocol`);
}

/** A SCALANCE XC208's LLDP system description, from its identity. */
function scalance(sw: PlantHost): string {
  const { model, firmware } = sw.identity ?? {};
  return `Siemens, SIMATIC NET, ${model}, 6GK5 208-0BA00-2AC2, HW: Version 3, FW: Version ${firmware}`;
}

/** The SCALANCE port facing the sensor. */
function scalancePort(n: number): { id: string; description: string } {
  return { id: `P0.${n}`, description: `Siemens, SIMATIC NET, Ethernet Port, X1 P${n}` };
}

/** The welding program: OB1 calls the weld sequence FC1, which works on data block DB10. */
const WELD_PROGRAM: readonly Mc7Block[] = [
  {
    type: BlockType.OB,
    number: 1,
    language: Language.STL,
    code: mc7Code(96, 1),
    iface: Buffer.alloc(20),
    name: 'CYCL_EXC',
    family: 'WELD',
    author: 'JMUELLER',
    version: [1, 3],
    localData: 20,
  },
  {
    type: BlockType.FC,
    number: 1,
    language: Language.STL,
    code: mc7Code(412, 2),
    iface: Buffer.alloc(34),
    name: 'WELD_SEQ',
    family: 'WELD',
    author: 'JMUELLER',
    version: [2, 1],
    localData: 12,
  },
  {
    type: BlockType.DB,
    number: 10,
    language: Language.DB,
    code: Buffer.alloc(64),
    iface: Buffer.alloc(28),
    name: 'WELD_DAT',
    family: 'WELD',
    author: 'JMUELLER',
    version: [1, 0],
    localData: 0,
  },
];

/** The hand-described plant: cells A and B, the supervisory zone, enterprise IT and the supplier. */
function corePlant(t: Timeline, durationSec: number): void {
  const P = PLANT;
  const cellA = [P.plcPress, P.plcWeld, P.hmi];
  const cellB = [P.plcPack, P.hmiPack];
  arpAnnounce(t, START_US, cellA);
  arpAnnounce(t, START_US + 10_000, cellB);
  arpResolve(t, START_US + 50_000, P.hmi, P.plcPress);
  arpResolve(t, START_US + 60_000, P.hmi, P.plcWeld);
  arpResolve(t, START_US + 70_000, P.hmiPack, P.plcPack);

  // Operators' screens: every second, each HMI reads its PLCs; now and then a set-point changes.
  const every = { durationSec, everySec: 1 };
  poll(t, P.hmi, P.plcPress, { ...every, startUs: START_US + 100_000, cport: 50210 });
  poll(t, P.hmi, P.plcWeld, { ...every, startUs: START_US + 150_000, cport: 50211, writeAtCycle: 30 });
  poll(t, P.hmiPack, P.plcPack, { ...every, startUs: START_US + 200_000, cport: 50320, writeAtCycle: 45 });

  // The historian reads the press PLC every ten seconds, routed into cell A.
  modbusHistorian(t, via(P.historian, P.cellGateway), P.plcPress, 1, {
    startUs: START_US + 300_000,
    durationSec,
    everySec: 10,
    cport: 40005,
  });

  // Engineering: the Modicon's identity and two set-points; the CompactLogix answers a
  // ListIdentity; a new welding program goes to the S7-300 with the CPU stopped around it.
  const fromWs = via(P.engWs, P.cellGateway);
  modbusEngineering(t, fromWs, P.plcPress, 1, P.plcPress.identity, {
    us: START_US + 20 * SECOND,
    cport: 51515,
    writeSetpoints: true,
  });
  identify(t, via(P.engWs, P.cellBGateway), P.plcPack, { us: START_US + 15 * SECOND, cport: 51600 });
  s7Download(t, fromWs, P.plcWeld, P.plcWeld.serves, P.plcWeld.identity, WELD_PROGRAM, {
    us: START_US + 25 * SECOND,
    cport: 51620,
  });

  // A supplier's engineer reaches the workstation over the VPN and the OT gateway (two hops).
  rdpConnect(t, START_US + 22 * SECOND, via(P.vendor, P.otGateway, 2), P.engWs, 61022, 'vendor');

  // Infrastructure announces itself.
  const announce = { durationSec };
  lldpAnnounce(t, P.switchCell, scalancePort(3), scalance(P.switchCell), {
    ...announce,
    startUs: START_US + 700_000,
  });
  lldpAnnounce(
    t,
    P.switchCellB,
    { id: 'Gi1/3', description: 'GigabitEthernet1/3' },
    `Cisco IOS Software, ${P.switchCellB.identity.model} Software (IE2000-UNIVERSALK9-M), Version ${P.switchCellB.identity.firmware}, RELEASE SOFTWARE (fc2)`,
    { ...announce, startUs: START_US + 800_000 },
  );
  cdpAnnounce(
    t,
    P.otGateway,
    {
      port: 'GigabitEthernet1/1',
      software: `Cisco IOS Software, IE4010 Software (IE4010-UNIVERSALK9-M), Version ${P.otGateway.identity.firmware}, RELEASE SOFTWARE (fc2)`,
      nativeVlan: 10,
    },
    { ...announce, startUs: START_US + 900_000 },
  );

  // IT: the workstation's NetBIOS name, the quality laptop's lease and lookups.
  nbnsRegister(t, START_US + 2 * SECOND, P.engWs, P.engWs.identity.name, broadcast(ZONES.supervisory.subnet));
  dhcpLease(t, START_US + 8 * SECOND, { ...P.laptop, hostname: P.laptop.identity.name }, P.dns, {
    mask: '255.255.255.0',
    router: P.itGateway.ip,
    domain: 'plant.example',
  });
  dnsLookup(t, START_US + 12 * SECOND, P.laptop, P.dns, {
    id: 0x4242,
    port: 53001,
    name: P.historian.identity.name,
    address: P.historian.ip,
  });
  dnsLookup(t, START_US + 30 * SECOND, P.laptop, P.dns, {
    id: 0x4343,
    port: 53002,
    name: 'eng-ws-01.plant.example',
    address: P.engWs.ip,
  });
}

/**
 * A generated cell: its HMI polls its four PLCs every five seconds, the engineering
 * workstation reads each PLC's identity once through the cell's router, the switch announces
 * itself over LLDP.
 */
function generated(t: Timeline, cell: number, durationSec: number): void {
  const [router, sw, hmi, ...plcs] = generatedCell(cell) as [PlantHost, PlantHost, PlantHost, ...PlantHost[]];
  const start = START_US + (cell % 50) * 17_000;
  arpAnnounce(t, start, [hmi, ...plcs]);
  plcs.forEach((plc, slot) => {
    poll(t, hmi, plc, {
      startUs: start + 200_000 + slot * 30_000,
      durationSec,
      everySec: 5,
      cport: 49200 + slot,
      writeAtCycle: slot === 0 ? 1 : undefined,
    });
    const when = 3 + ((cell * 7 + slot) % Math.max(1, durationSec - 6));
    identify(t, via(PLANT.engWs, router), plc, { us: start + when * SECOND, cport: 52000 + slot });
  });
  lldpAnnounce(t, sw, scalancePort(1), scalance(sw), { startUs: start + 700_000, durationSec });
}

/** The frames of the plant, in time order. */
export function plantFrames(o: PlantOptions = {}): TimedFrame[] {
  const { durationSec, cells } = checkedOptions(o);
  const t = new Timeline();
  corePlant(t, durationSec);
  for (let cell = 3; cell <= cells; cell++) generated(t, cell, durationSec);
  return t.sorted();
}

/** The plant as a pcap file. */
export function plantCapture(o: PlantOptions = {}): Buffer {
  return writePcap(plantFrames(o));
}
