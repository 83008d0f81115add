/**
 * How the console shows roles and Purdue levels: one colour, one map shape and one label per
 * role, so the dashboard, the table and the map all speak the same visual language.
 */
import type { Role } from './hub-types.js';

export type PurdueLevel = 0 | 1 | 2 | 3 | 4 | null;

/** Cytoscape node shapes the map uses. */
export type NodeShape =
  | 'round-rectangle'
  | 'rectangle'
  | 'diamond'
  | 'hexagon'
  | 'barrel'
  | 'triangle'
  | 'round-pentagon'
  | 'octagon'
  | 'ellipse';

export type RoleGroup = 'control' | 'supervisory' | 'network' | 'it' | 'unknown';

export interface RoleStyle {
  label: string;
  /** Short form for badges and dense tables. */
  short: string;
  colour: string;
  shape: NodeShape;
  group: RoleGroup;
}

/**
 * Controllers are blues and teals, supervisory systems purples and greens, the network slate,
 * IT greys: an engineer's eye finds the control layer first.
 */
export const ROLE_STYLE: Record<Role, RoleStyle> = {
  plc: { label: 'PLC', short: 'PLC', colour: '#1f5fbf', shape: 'round-rectangle', group: 'control' },
  rtu: { label: 'RTU', short: 'RTU', colour: '#0a7ea8', shape: 'round-rectangle', group: 'control' },
  ied: { label: 'IED', short: 'IED', colour: '#0b8a8a', shape: 'round-rectangle', group: 'control' },
  'io-device': { label: 'I/O device', short: 'I/O', colour: '#4f7694', shape: 'rectangle', group: 'control' },
  pmu: { label: 'PMU', short: 'PMU', colour: '#137a5c', shape: 'octagon', group: 'control' },
  'bms-controller': {
    label: 'BMS controller',
    short: 'BMS',
    colour: '#5f7a1f',
    shape: 'round-rectangle',
    group: 'control',
  },
  hmi: { label: 'HMI', short: 'HMI', colour: '#7b3fb0', shape: 'rectangle', group: 'supervisory' },
  'engineering-workstation': {
    label: 'Engineering workstation',
    short: 'EWS',
    colour: '#b02a6e',
    shape: 'diamond',
    group: 'supervisory',
  },
  'scada-server': {
    label: 'SCADA server',
    short: 'SCADA',
    colour: '#5a3cb4',
    shape: 'hexagon',
    group: 'supervisory',
  },
  historian: { label: 'Historian', short: 'HIST', colour: '#2e7d4f', shape: 'barrel', group: 'supervisory' },
  'opc-server': {
    label: 'OPC server',
    short: 'OPC',
    colour: '#5b8a2e',
    shape: 'hexagon',
    group: 'supervisory',
  },
  switch: { label: 'Switch', short: 'SW', colour: '#55697a', shape: 'triangle', group: 'network' },
  router: { label: 'Router', short: 'RTR', colour: '#3a4a57', shape: 'round-pentagon', group: 'network' },
  'it-server': { label: 'IT server', short: 'SRV', colour: '#8a6d55', shape: 'barrel', group: 'it' },
  'it-host': { label: 'IT host', short: 'HOST', colour: '#8d9aa5', shape: 'ellipse', group: 'it' },
  unknown: { label: 'Unknown', short: '?', colour: '#b8bec4', shape: 'ellipse', group: 'unknown' },
};

/** Every role, in the order the console lists them (field first, IT last). */
export const ROLES = Object.keys(ROLE_STYLE) as Role[];

export function isRole(s: string): s is Role {
  return Object.hasOwn(ROLE_STYLE, s);
}

export const GROUP_LABEL: Record<RoleGroup, string> = {
  control: 'Controllers',
  supervisory: 'Supervisory',
  network: 'Network',
  it: 'IT',
  unknown: 'Unknown',
};

export const PURDUE_LEVELS: readonly PurdueLevel[] = [4, 3, 2, 1, 0, null];

const PURDUE_NAME: Record<string, string> = {
  '0': 'Field devices',
  '1': 'Basic control',
  '2': 'Supervisory control',
  '3': 'Site operations',
  '4': 'Enterprise',
  null: 'Level unknown',
};

const PURDUE_COLOUR: Record<string, string> = {
  '0': '#4f7694',
  '1': '#1f5fbf',
  '2': '#7b3fb0',
  '3': '#2e7d4f',
  '4': '#77818a',
  null: '#b8bec4',
};

/** `L1`, or `L?` when the level is unknown. */
export function purdueBadge(level: PurdueLevel): string {
  return level === null ? 'L?' : `L${level}`;
}

export function purdueName(level: PurdueLevel): string {
  return PURDUE_NAME[String(level)]!;
}

export function purdueColour(level: PurdueLevel): string {
  return PURDUE_COLOUR[String(level)]!;
}

/** Text colour that stays readable (WCAG contrast ≥ 4.5 against white or near-black) on `bg`. */
export function textOn(bg: string): '#ffffff' | '#1b232b' {
  const n = Number.parseInt(bg.slice(1), 16);
  const channel = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  const l = 0.2126 * channel((n >> 16) & 255) + 0.7152 * channel((n >> 8) & 255) + 0.0722 * channel(n & 255);
  // Contrast with white is 1.05/(l+0.05); with #1b232b (l≈0.016) it is (l+0.05)/0.066.
  return 1.05 / (l + 0.05) >= (l + 0.05) / 0.066 ? '#ffffff' : '#1b232b';
}
