/**
 * The hub's store: what the HTTP API and the commands may ask of it. One interface over two
 * databases (SQLite embedded, PostgreSQL at scale); the query layer behind it is Kysely.
 * Times are epoch milliseconds, as on the event spine.
 */
import type { LineguardEvent, OpKind } from '../events/types.js';
import type { Asset, OpCounts, Role } from '../inventory/types.js';

export type Dialect = 'sqlite' | 'postgres';

export interface IngestReport {
  /** Events taken from the stream. */
  events: number;
  /** Transactions committed. */
  batches: number;
  /** Assets in the store after the inventory was rebuilt. */
  assets: number;
  /** Asset ids that did not exist before this ingest. */
  newAssets: string[];
}

export type AssetSort = 'ip' | 'name' | 'role' | 'vendor' | 'model' | 'purdue' | 'first' | 'last';

export interface AssetQuery {
  role?: Role[];
  vendor?: string;
  protocol?: string;
  /** IPv4 or IPv6 CIDR, e.g. `10.10.1.0/24`. */
  subnet?: string;
  /** Case-insensitive substring over IPs, MACs, names, vendor, model, firmware, serial. */
  search?: string;
  sort?: AssetSort;
  order?: 'asc' | 'desc';
  limit: number;
  offset: number;
}

/** One row of the inventory table: the asset without its facts and peers. */
export interface AssetRow {
  id: string;
  ips: string[];
  macs: string[];
  names: string[];
  vendor?: string;
  model?: string;
  firmware?: string;
  serial?: string;
  role: Role;
  roleConfidence: number;
  purdue: 0 | 1 | 2 | 3 | 4 | null;
  protocols: string[];
  peers: number;
  first: number;
  last: number;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/** Flows folded per asset pair, server port, transport and application protocol. */
export interface FlowRow {
  client: string;
  server: string;
  transport: string;
  app?: string;
  serverPort?: number;
  /** Flows folded into this row. */
  flows: number;
  packets: [number, number];
  bytes: [number, number];
  first: number;
  last: number;
}

/** Operations folded per asset pair, protocol, kind, code and target. */
export interface OpRow {
  client: string;
  server: string;
  protocol: string;
  op: OpKind;
  code: string;
  target?: string;
  count: number;
  /** Operations whose reply said failure (exception, error status). */
  failed: number;
  first: number;
  last: number;
}

export interface GraphNode {
  id: string;
  label: string;
  role: Role;
  purdue: 0 | 1 | 2 | 3 | 4 | null;
  vendor?: string;
}

export interface GraphEdge {
  source: string;
  target: string;
  protocols: string[];
  /** Operations source performed on target. */
  ops: OpCounts;
  packets: number;
  bytes: number;
}

export interface Graph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

export interface Stats {
  assets: number;
  byRole: Partial<Record<Role, number>>;
  byVendor: { vendor: string; assets: number }[];
  byPurdue: { level: 0 | 1 | 2 | 3 | 4 | null; assets: number }[];
  protocols: { name: string; assets: number; flows: number }[];
  newest: AssetRow[];
}

export type UserRole = 'admin' | 'engineer' | 'viewer';

export interface User {
  id: string;
  name: string;
  role: UserRole;
  /** Encoded KDF output with its parameters; never leaves the server. */
  passwordHash: string;
  disabled: boolean;
  created: number;
}

export interface Session {
  /** SHA-256 of the cookie token: a stolen database does not yield live cookies. */
  id: string;
  userId: string;
  /** Token the console echoes in a header on every unsafe request. */
  csrf: string;
  created: number;
  expires: number;
  lastSeen: number;
}

export interface Store {
  readonly dialect: Dialect;
  /**
   * Folds events into state in transactions of `batchSize` events, then rebuilds the
   * inventory. Idempotent per evidence source: the same capture twice changes nothing.
   */
  ingest(
    events: Iterable<LineguardEvent> | AsyncIterable<LineguardEvent>,
    opts?: { batchSize?: number },
  ): Promise<IngestReport>;
  listAssets(q: AssetQuery): Promise<Page<AssetRow>>;
  /** The asset with its facts (and their evidence), protocols and peers. */
  getAsset(id: string): Promise<Asset | undefined>;
  /** Flows of an asset, or between two (either direction). */
  flows(asset: string, peer?: string): Promise<FlowRow[]>;
  operations(asset: string, peer?: string): Promise<OpRow[]>;
  graph(): Promise<Graph>;
  stats(): Promise<Stats>;

  createUser(u: { name: string; role: UserRole; passwordHash: string }): Promise<User>;
  userByName(name: string): Promise<User | undefined>;
  userById(id: string): Promise<User | undefined>;
  listUsers(): Promise<User[]>;
  countUsers(): Promise<number>;
  /** Replaces the user's password hash. */
  setPassword(userId: string, passwordHash: string): Promise<void>;
  createSession(s: Session): Promise<void>;
  session(id: string): Promise<Session | undefined>;
  touchSession(id: string, lastSeen: number, expires: number): Promise<void>;
  deleteSession(id: string): Promise<void>;
  /** Ends every session of the user, but `keep` (the caller's own, when it stays signed in). */
  deleteUserSessions(userId: string, keep?: string): Promise<void>;

  close(): Promise<void>;
}

export interface StoreOptions {
  /** `postgres://…` selects PostgreSQL; otherwise SQLite in `dataDir`. */
  url?: string;
  /** SQLite's folder (created); the file is `lineguard.db`. */
  dataDir?: string;
}
