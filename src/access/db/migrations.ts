/**
 * Versioned migrations of the gateway database. Append new ones; never edit one that shipped.
 */
import { type Kysely, type Migration, sql } from 'kysely';

// Migrations see the database as it was when they were written, not the current schema type.
type AnyDb = Kysely<unknown>;

const m0001: Migration = {
  async up(db: AnyDb) {
    const named = async (table: string) =>
      db.schema
        .createTable(table)
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .execute();
    await named('groups');
    await named('suppliers');
    await named('zones');
    await named('asset_groups');
    await db.schema
      .createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull().check(sqlIn('kind', ['employee', 'supplier'])))
      .addColumn('supplier_id', 'text', (c) => c.references('suppliers.id'))
      .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('user_groups')
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('group_id', 'text', (c) => c.notNull().references('groups.id').onDelete('cascade'))
      .addPrimaryKeyConstraint('user_groups_pk', ['user_id', 'group_id'])
      .execute();
    await db.schema
      .createTable('devices')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('assets')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('host', 'text', (c) => c.notNull())
      .addColumn('port', 'integer', (c) => c.notNull())
      .addColumn('protocol', 'text', (c) => c.notNull())
      .addColumn('zone_id', 'text', (c) => c.references('zones.id'))
      .addColumn('isolated', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema
      .createTable('asset_group_members')
      .addColumn('group_id', 'text', (c) => c.notNull().references('asset_groups.id').onDelete('cascade'))
      .addColumn('asset_id', 'text', (c) => c.notNull().references('assets.id').onDelete('cascade'))
      .addPrimaryKeyConstraint('asset_group_members_pk', ['group_id', 'asset_id'])
      .execute();
    await db.schema
      .createTable('policies')
      .addColumn('version', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('author', 'text', (c) => c.notNull())
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('grants')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('requester', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('assets', 'text', (c) => c.notNull())
      .addColumn('zone_id', 'text', (c) => c.references('zones.id'))
      .addColumn('actions', 'text', (c) => c.notNull())
      .addColumn('starts_at', 'integer', (c) => c.notNull())
      .addColumn('ends_at', 'integer', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) =>
        c.notNull().check(sqlIn('status', ['pending', 'approved', 'denied', 'revoked'])),
      )
      .addColumn('approver', 'text', (c) => c.references('users.id'))
      .addColumn('decided_at', 'integer')
      .addColumn('note', 'text')
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('grants_requester').on('grants').column('requester').execute();
    await db.schema
      .createTable('ca')
      .addColumn('id', 'integer', (c) => c.primaryKey().check(sqlRaw('id = 1')))
      .addColumn('cert_pem', 'text', (c) => c.notNull())
      .addColumn('key_box', 'text', (c) => c.notNull())
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('certificates')
      .addColumn('serial', 'text', (c) => c.primaryKey())
      .addColumn('fingerprint', 'text', (c) => c.notNull().unique())
      .addColumn('kind', 'text', (c) => c.notNull().check(sqlIn('kind', ['client', 'server'])))
      .addColumn('user_id', 'text', (c) => c.references('users.id'))
      .addColumn('device_id', 'text', (c) => c.references('devices.id'))
      .addColumn('not_before', 'integer', (c) => c.notNull())
      .addColumn('not_after', 'integer', (c) => c.notNull())
      .addColumn('mfa_at', 'integer')
      .addColumn('mfa_method', 'text')
      .addColumn('revoked_at', 'integer')
      .addColumn('revoked_by', 'text')
      .addColumn('pem', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('audit')
      .addColumn('seq', 'integer', (c) => c.primaryKey())
      .addColumn('ts', 'integer', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('prev', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('meta')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('protocol', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('device_id', 'text')
      .addColumn('asset_id', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('started_at', 'integer', (c) => c.notNull())
      .addColumn('ended_at', 'integer')
      .addColumn('end_reason', 'text')
      .execute();
    await db.schema
      .createTable('session_ops')
      .addColumn('session_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('ts', 'real', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('code', 'text', (c) => c.notNull())
      .addColumn('target', 'text', (c) => c.notNull())
      .addColumn('decision', 'text', (c) => c.notNull())
      .addColumn('reasons', 'text', (c) => c.notNull())
      .addColumn('result', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('session_ops_pk', ['session_id', 'seq'])
      .execute();
    await db.schema
      .createTable('session_chunks')
      .addColumn('session_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('ts', 'real', (c) => c.notNull())
      .addColumn('dir', 'integer', (c) => c.notNull())
      .addColumn('data', 'blob', (c) => c.notNull())
      .addPrimaryKeyConstraint('session_chunks_pk', ['session_id', 'seq'])
      .execute();
  },
};

function sqlIn(column: string, values: string[]) {
  return sql`${sql.ref(column)} in (${sql.join(values.map((v) => sql.lit(v)))})`;
}

function sqlRaw(text: string) {
  return sql.raw(text);
}

/** Security keys (WebAuthn credentials) of the gateway's users. */
const m0002: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('webauthn_credentials')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('public_key', 'blob', (c) => c.notNull())
      .addColumn('counter', 'integer', (c) => c.notNull())
      .addColumn('transports', 'text', (c) => c.notNull())
      .addColumn('device_type', 'text', (c) => c.notNull())
      .addColumn('backed_up', 'integer', (c) => c.notNull())
      .addColumn('aaguid', 'text', (c) => c.notNull())
      .addColumn('attestation', 'text', (c) => c.notNull())
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .addColumn('last_used_at', 'integer')
      .execute();
    await db.schema
      .createIndex('webauthn_credentials_user')
      .on('webauthn_credentials')
      .column('user_id')
      .execute();
  },
};

/**
 * Authenticator-app (TOTP) factors, the opt-in fallback: one per user, its secret sealed under
 * the gateway's TOTP key; unconfirmed until the first code; the last time step used, so a code
 * works once.
 */
const m0003: Migration = {
  async up(db: AnyDb) {
    await db.schema
      .createTable('totp_factors')
      .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
      .addColumn('secret_box', 'text', (c) => c.notNull())
      .addColumn('created_at', 'integer', (c) => c.notNull())
      .addColumn('confirmed_at', 'integer')
      .addColumn('last_step', 'integer')
      .addColumn('last_used_at', 'integer')
      .execute();
  },
};

export const MIGRATIONS: Record<string, Migration> = {
  '0001_initial': m0001,
  '0002_webauthn_credentials': m0002,
  '0003_totp_factors': m0003,
};
