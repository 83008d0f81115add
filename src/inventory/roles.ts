/**
 * Role and Purdue level inference: each clue proposes a role with a weight and a reason; the
 * role with the most weight wins, its confidence is that weight (capped), and the reasons say
 * why. Clues: roles the devices state themselves (CIP device type, S7 module, LLDP
 * capabilities...), protocols served, operations sent (an engineering workstation downloads
 * programs and stops PLCs; an HMI reads and writes; a historian only reads), routing, names.
 */
import type { OpKind } from '../events/types.js';
import type { OpCounts, PurdueInference, Role, RoleInference } from './types.js';

/** A controller-class protocol served means a controller of this kind. */
const SERVED: Record<string, [Role, number]> = {
  modbus: ['plc', 0.5],
  s7comm: ['plc', 0.7],
  's7comm-plus': ['plc', 0.7],
  enip: ['plc', 0.5],
  omron: ['plc', 0.6],
  melsec: ['plc', 0.6],
  ads: ['plc', 0.5],
  dnp3: ['rtu', 0.6],
  iec104: ['rtu', 0.6],
  mms: ['ied', 0.6],
  synphasor: ['pmu', 0.7],
  bacnet: ['bms-controller', 0.5],
  fox: ['bms-controller', 0.5],
  hart_ip: ['io-device', 0.4],
  opcua: ['opc-server', 0.6],
  dns: ['it-server', 0.4],
  dhcp: ['it-server', 0.4],
  http: ['it-server', 0.2],
  tls: ['it-server', 0.2],
  ssh: ['it-server', 0.2],
  snmp: ['it-server', 0.1],
};

/** Industrial protocols whose clients are supervisory or engineering stations. */
const ICS = new Set([
  'modbus',
  's7comm',
  's7comm-plus',
  'enip',
  'omron',
  'melsec',
  'ads',
  'dnp3',
  'iec104',
  'mms',
  'bacnet',
  'fox',
  'opcua',
  'hart_ip',
  'synphasor',
]);

/** roleHint values analyzers emit → roles. */
const HINTS: Record<string, Role> = {
  plc: 'plc',
  controller: 'plc',
  rtu: 'rtu',
  ied: 'ied',
  'io-device': 'io-device',
  'comm-adapter': 'io-device',
  pmu: 'pmu',
  'bms-controller': 'bms-controller',
  'bms-server': 'scada-server',
  hmi: 'hmi',
  'engineering-workstation': 'engineering-workstation',
  historian: 'historian',
  'opc-server': 'opc-server',
  switch: 'switch',
  bridge: 'switch',
  router: 'router',
  firewall: 'router',
  'access-point': 'switch',
  'dns-server': 'it-server',
  'dhcp-server': 'it-server',
  'domain-controller': 'it-server',
  printer: 'it-host',
  phone: 'it-host',
  camera: 'it-host',
  'media-player': 'it-host',
  iot: 'io-device',
};

const NAME_CLUES: [RegExp, Role][] = [
  [/\b(hmi|panel|op\d)/i, 'hmi'],
  [/\b(ews|eng(ineering)?[-_ ]?ws|engineer)/i, 'engineering-workstation'],
  [/\b(hist|historian|pi-?server)/i, 'historian'],
  [/\bscada/i, 'scada-server'],
  [/\bplc/i, 'plc'],
  [/\brtu/i, 'rtu'],
];

export interface RoleClues {
  hints: { value: string; protocol: string }[];
  served: string[];
  used: string[];
  opsSent: OpCounts;
  /** Distinct ICS servers it sent operations or spoke industrial protocols to. */
  icsServers: number;
  routesForOthers: boolean;
  dhcpClient: boolean;
  names: string[];
}

export function inferRole(c: RoleClues): RoleInference {
  const votes = new Map<Role, { weight: number; reasons: string[] }>();
  const vote = (role: Role, weight: number, reason: string) => {
    const v = votes.get(role) ?? { weight: 0, reasons: [] };
    v.weight += weight;
    v.reasons.push(reason);
    votes.set(role, v);
  };
  for (const h of c.hints) {
    const role = HINTS[h.value];
    if (role) vote(role, 0.8, `hint:${h.value} (${h.protocol})`);
  }
  for (const p of c.served) {
    const s = SERVED[p];
    if (s) vote(s[0], s[1], `serves:${p}`);
  }
  const sent = (k: OpKind) => c.opsSent[k] ?? 0;
  const icsClient = c.used.filter((p) => ICS.has(p));
  if (icsClient.length > 0) {
    if (sent('program') > 0) vote('engineering-workstation', 0.8, `ops:program×${sent('program')}`);
    if (sent('control') > 0) vote('engineering-workstation', 0.4, `ops:control×${sent('control')}`);
    if (sent('diagnostic') + sent('identify') > 0 && sent('program') === 0) {
      vote(
        'engineering-workstation',
        0.2,
        `ops:diagnostic/identify×${sent('diagnostic') + sent('identify')}`,
      );
    }
    if (sent('write') > 0) vote('hmi', 0.5, `ops:write×${sent('write')}`);
    if (sent('read') > 0 && sent('write') === 0 && sent('program') === 0) {
      // Reading only: an HMI screen or a historian; polling many controllers leans historian/SCADA.
      if (c.icsServers >= 3) vote('scada-server', 0.4, `ops:read-only from ${c.icsServers} controllers`);
      else vote('hmi', 0.3, `ops:read-only×${sent('read')}`);
    }
    if (icsClient.includes('dnp3') || icsClient.includes('iec104'))
      vote('scada-server', 0.4, 'client:telecontrol');
    if (sent('read') + sent('write') + sent('program') + sent('control') === 0) {
      vote('hmi', 0.2, `client:${icsClient.join(',')}`);
    }
  }
  // Traffic proof outweighs a stated capability (a layer-3 switch says "switch" over CDP).
  if (c.routesForOthers) vote('router', 0.9, 'mac-fronts-other-hosts');
  if (c.dhcpClient) vote('it-host', 0.3, 'dhcp-client');
  for (const name of c.names) {
    // People name machines for what they are: a clue worth a little more than one behaviour.
    for (const [re, role] of NAME_CLUES) if (re.test(name)) vote(role, 0.4, `name:${name}`);
  }
  if (votes.size === 0) {
    if (c.used.length > 0 && icsClient.length === 0)
      return { role: 'it-host', confidence: 0.2, reasons: [`client:${c.used.slice(0, 4).join(',')}`] };
    return { role: 'unknown', confidence: 0, reasons: [] };
  }
  const [role, v] = [...votes.entries()].sort((a, b) => b[1].weight - a[1].weight)[0]!;
  return { role, confidence: Math.min(0.99, Math.round(v.weight * 100) / 100), reasons: v.reasons };
}

const LEVEL: Partial<Record<Role, 0 | 1 | 2 | 3 | 4>> = {
  'io-device': 0,
  plc: 1,
  rtu: 1,
  ied: 1,
  pmu: 1,
  'bms-controller': 1,
  hmi: 2,
  'engineering-workstation': 2,
  'scada-server': 2,
  historian: 3,
  'opc-server': 3,
  'it-server': 4,
  'it-host': 4,
};

/** Purdue level from the role; infrastructure (switches, routers) spans levels: none. */
export function inferPurdue(role: RoleInference): PurdueInference {
  const level = LEVEL[role.role];
  if (level === undefined) return { level: null, reasons: [`role:${role.role}`] };
  return { level, reasons: [`role:${role.role}`] };
}
