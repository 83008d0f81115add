/** The asset inventory's shapes: what `--inventory out.json` writes and the hub will store. */
import type { OpKind } from '../events/types.js';

/** Where and when a fact was seen. Times are epoch milliseconds. */
export interface FactEvidence {
  protocol: string;
  source: string;
  first: number;
  last: number;
  /** Frame of the latest sighting. */
  frame?: number;
  count: number;
}

export interface Fact {
  key: string;
  value: string;
  evidence: FactEvidence;
}

export type Role =
  | 'plc'
  | 'rtu'
  | 'ied'
  | 'io-device'
  | 'pmu'
  | 'bms-controller'
  | 'hmi'
  | 'engineering-workstation'
  | 'scada-server'
  | 'historian'
  | 'opc-server'
  | 'switch'
  | 'router'
  | 'it-server'
  | 'it-host'
  | 'unknown';

export interface RoleInference {
  role: Role;
  /** 0..1: how sure the reasons make us. */
  confidence: number;
  /** Why, in a closed vocabulary with details: `hint:plc (enip)`, `serves:modbus`, `ops:program→10.0.0.5`. */
  reasons: string[];
}

export interface PurdueInference {
  /** 0 field devices · 1 control · 2 supervisory · 3 site operations · 4 enterprise; null when unknown. */
  level: 0 | 1 | 2 | 3 | 4 | null;
  reasons: string[];
}

export interface ProtocolUse {
  name: string;
  /** Server ports it answered on (empty for client-only use and layer 2). */
  ports: number[];
  server: boolean;
  client: boolean;
  first: number;
  last: number;
}

export type OpCounts = Partial<Record<OpKind, number>>;

export interface Peer {
  asset: string;
  /** What the peer asset is called (label.ts). */
  name: string;
  /** This asset's side of the conversations. */
  as: 'client' | 'server' | 'both';
  protocols: string[];
  packets: number;
  bytes: number;
  /** Operations this asset performed on the peer (as client). */
  opsSent: OpCounts;
  /** Operations the peer performed on this asset. */
  opsReceived: OpCounts;
  /** A few raw codes seen, per protocol, for the detail view. */
  codes: string[];
}

export interface Asset {
  id: string;
  ips: string[];
  macs: string[];
  names: string[];
  vendor?: string;
  model?: string;
  firmware?: string;
  serial?: string;
  role: RoleInference;
  purdue: PurdueInference;
  protocols: ProtocolUse[];
  peers: Peer[];
  facts: Fact[];
  first: number;
  last: number;
}

export interface Inventory {
  generatedAt: string;
  sources: string[];
  assets: Asset[];
}
