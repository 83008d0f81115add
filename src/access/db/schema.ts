/**
 * Tables of the gateway's own database (SQLite). The plant gateway is authoritative on its
 * own, so it keeps its identities, assets, policies, grants, certificates, audit log and
 * recordings here, apart from the hub's store. Times are epoch milliseconds; booleans 0/1;
 * lists are JSON text.
 */
import type { Generated } from 'kysely';
import type { GRANT_STATUSES } from '../grants/statuses.js';

export interface UserTable {
  id: string;
  name: string;
  kind: 'employee' | 'supplier';
  supplier_id: string | null;
  disabled: number;
  created_at: number;
}

export interface NamedTable {
  id: string;
  name: string;
}

export interface UserGroupTable {
  user_id: string;
  group_id: string;
}

export interface DeviceTable {
  id: string;
  user_id: string;
  name: string;
  created_at: number;
}

export interface AssetTable {
  id: string;
  name: string;
  host: string;
  port: number;
  protocol: string;
  zone_id: string | null;
  isolated: number;
}

export interface AssetGroupMemberTable {
  group_id: string;
  asset_id: string;
}

export interface PolicyTable {
  version: Generated<number>;
  text: string;
  author: string;
  created_at: number;
}

export interface GrantTable {
  id: string;
  requester: string;
  assets: string;
  zone_id: string | null;
  actions: string;
  starts_at: number;
  ends_at: number;
  reason: string;
  status: (typeof GRANT_STATUSES)[number];
  approver: string | null;
  decided_at: number | null;
  note: string | null;
  created_at: number;
}

export interface CaTable {
  id: number;
  cert_pem: string;
  key_box: string;
  created_at: number;
}

export interface CertificateTable {
  serial: string;
  fingerprint: string;
  kind: 'client' | 'server';
  user_id: string | null;
  device_id: string | null;
  not_before: number;
  not_after: number;
  mfa_at: number | null;
  mfa_method: string | null;
  revoked_at: number | null;
  revoked_by: string | null;
  pem: string;
}

export interface AuditTable {
  seq: number;
  ts: number;
  type: string;
  actor: string;
  subject: string;
  data: string;
  prev: string;
  hash: string;
}

export interface MetaTable {
  key: string;
  value: string;
}

export interface SessionTable {
  id: string;
  protocol: string;
  user_id: string;
  device_id: string | null;
  asset_id: string;
  source: string;
  started_at: number;
  ended_at: number | null;
  end_reason: string | null;
}

export interface SessionOpTable {
  session_id: string;
  seq: number;
  ts: number;
  action: string;
  code: string;
  target: string;
  decision: 'allow' | 'deny';
  reasons: string;
  result: string;
}

export interface SessionChunkTable {
  session_id: string;
  seq: number;
  ts: number;
  dir: number;
  data: Buffer;
}

export interface WebauthnCredentialTable {
  /** Credential id, base64url. */
  id: string;
  user_id: string;
  name: string;
  public_key: Buffer;
  counter: number;
  /** JSON list of transports the browser reported. */
  transports: string;
  device_type: 'singleDevice' | 'multiDevice';
  backed_up: number;
  aaguid: string;
  /** Attestation format the key presented (`none`, `packed`, `fido-u2f`, …). */
  attestation: string;
  created_at: number;
  last_used_at: number | null;
}

export interface TotpFactorTable {
  user_id: string;
  /** The base32 secret, AES-256-GCM under the gateway's TOTP key, bound to the user. */
  secret_box: string;
  created_at: number;
  confirmed_at: number | null;
  last_step: number | null;
  last_used_at: number | null;
}

export interface AccessDb {
  users: UserTable;
  groups: NamedTable;
  user_groups: UserGroupTable;
  suppliers: NamedTable;
  devices: DeviceTable;
  zones: NamedTable;
  assets: AssetTable;
  asset_groups: NamedTable;
  asset_group_members: AssetGroupMemberTable;
  policies: PolicyTable;
  grants: GrantTable;
  ca: CaTable;
  certificates: CertificateTable;
  audit: AuditTable;
  meta: MetaTable;
  sessions: SessionTable;
  session_ops: SessionOpTable;
  session_chunks: SessionChunkTable;
  webauthn_credentials: WebauthnCredentialTable;
  totp_factors: TotpFactorTable;
}
