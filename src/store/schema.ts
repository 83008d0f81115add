/**
 * The tables as Kysely sees them. Two kinds: observation rows folded from events (keyed by a
 * digest of their identity, one row per evidence source), and the materialised inventory
 * rebuilt from them. Times are epoch milliseconds (fractional); absent strings are ''.
 */
import type { Generated } from 'kysely';

export interface SourceTable {
  id: Generated<number>;
  name: string;
  created: number;
}

export interface IngestTable {
  id: Generated<number>;
  started: number;
  finished: number | null;
  events: number;
  batches: number;
}

/** One row: rows_gen counts committed batches, built_gen the batch count the inventory reflects. */
export interface StateTable {
  id: number;
  rows_gen: number;
  built_gen: number;
}

/** Every address seen (`ip:…`/`mac:…`), in order of first appearance: identity resolution depends on it. */
export interface EndpointTable {
  id: Generated<number>;
  key: string;
  first_seen: number;
}

export interface FactTable {
  k: Buffer;
  source_id: number;
  ingest_id: number;
  ip: string;
  mac: string;
  protocol: string;
  /** '' with value '' for a sighting that disclosed nothing (ARP, a bare reply). */
  fact_key: string;
  fact_value: string;
  first_seen: number;
  last_seen: number;
  n: number;
  frame: number | null;
}

export interface FlowTable {
  k: Buffer;
  source_id: number;
  ingest_id: number;
  client_ip: string;
  client_mac: string;
  client_key: string;
  server_ip: string;
  server_mac: string;
  server_key: string;
  /** -1 when the transport has no ports. */
  server_port: number;
  transport: string;
  app: string;
  flows: number;
  c_packets: number;
  s_packets: number;
  c_bytes: number;
  s_bytes: number;
  first_seen: number;
  last_seen: number;
  /** Fewest routers seen between each side and the sensor; -1 unknown. */
  c_hops: number;
  s_hops: number;
}

export interface OpTable {
  k: Buffer;
  source_id: number;
  ingest_id: number;
  client_ip: string;
  client_mac: string;
  client_key: string;
  server_ip: string;
  server_mac: string;
  server_key: string;
  protocol: string;
  op: string;
  code: string;
  target: string;
  n: number;
  failed: number;
  first_seen: number;
  last_seen: number;
}

export interface AssetTable {
  id: string;
  ips: string;
  macs: string;
  names: string;
  vendor: string | null;
  vendor_key: string | null;
  model: string | null;
  firmware: string | null;
  serial: string | null;
  role: string;
  role_confidence: number;
  purdue: number | null;
  protocols: string;
  peers: number;
  first_seen: number;
  last_seen: number;
  /** Family byte then address bytes of the first IP: sorts numerically, IPv4 before IPv6. */
  sort_ip: Buffer | null;
  sort_name: string | null;
  /** Lower-cased IPs, MACs, names, vendor, model, firmware and serial, one per line. */
  search: string;
  /** The whole `Asset` as JSON. */
  doc: string;
}

export interface AssetIpTable {
  asset_id: string;
  ip: string;
  /** 4 or 6. */
  v: number;
  bin: Buffer;
}

export interface AssetProtocolTable {
  asset_id: string;
  name: string;
}

export interface EndpointAssetTable {
  key: string;
  asset_id: string;
}

export interface UserTable {
  id: string;
  name: string;
  /** Lower-cased, NFC: user names are unique regardless of case. */
  name_key: string;
  role: string;
  password_hash: string;
  disabled: number;
  created: number;
}

export interface SessionTable {
  id: string;
  user_id: string;
  csrf: string;
  created: number;
  expires: number;
  last_seen: number;
}

export interface Database {
  sources: SourceTable;
  ingests: IngestTable;
  store_state: StateTable;
  endpoints: EndpointTable;
  obs_facts: FactTable;
  obs_flows: FlowTable;
  obs_ops: OpTable;
  assets: AssetTable;
  asset_ips: AssetIpTable;
  asset_protocols: AssetProtocolTable;
  endpoint_assets: EndpointAssetTable;
  users: UserTable;
  sessions: SessionTable;
}
