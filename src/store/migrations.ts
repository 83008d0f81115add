/**
 * Versioned migrations, defined in code and run at open by Kysely's Migrator (which records
 * them in `kysely_migration` and locks against a second process migrating at once). Never
 * edit a released migration: add the next one.
 */
import {
  type ColumnDefinitionBuilder,
  type Kysely,
  type Migration,
  type MigrationProvider,
  sql,
} from 'kysely';
import type { Dialect } from './types.js';

/** Column types and keys that differ between the dialects. */
function types(dialect: Dialect) {
  return dialect === 'postgres'
    ? ({ serial: 'bigserial', blob: 'bytea', id: (c: ColumnDefinitionBuilder) => c.primaryKey() } as const)
    : ({
        serial: 'integer',
        blob: 'blob',
        // AUTOINCREMENT: ids never reused, so they keep the order rows were first written in.
        id: (c: ColumnDefinitionBuilder) => c.primaryKey().autoIncrement(),
      } as const);
}

function observations(dialect: Dialect): Migration {
  const t = types(dialect);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('sources')
        .addColumn('id', t.serial, t.id)
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('created', 'double precision', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('ingests')
        .addColumn('id', t.serial, t.id)
        .addColumn('started', 'double precision', (c) => c.notNull())
        .addColumn('finished', 'double precision')
        .addColumn('events', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('batches', 'bigint', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createTable('store_state')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('rows_gen', 'bigint', (c) => c.notNull())
        .addColumn('built_gen', 'bigint', (c) => c.notNull())
        .execute();
      await sql`insert into store_state (id, rows_gen, built_gen) values (1, 0, 0)`.execute(db);
      await db.schema
        .createTable('endpoints')
        .addColumn('id', t.serial, t.id)
        .addColumn('key', 'text', (c) => c.notNull().unique())
        .addColumn('first_seen', 'double precision', (c) => c.notNull())
        .execute();
      const common = (name: string) =>
        db.schema
          .createTable(name)
          .addColumn('k', t.blob, (c) => c.primaryKey())
          .addColumn('source_id', 'bigint', (c) => c.notNull().references('sources.id'))
          .addColumn('ingest_id', 'bigint', (c) => c.notNull());
      await common('obs_facts')
        .addColumn('ip', 'text', (c) => c.notNull())
        .addColumn('mac', 'text', (c) => c.notNull())
        .addColumn('protocol', 'text', (c) => c.notNull())
        .addColumn('fact_key', 'text', (c) => c.notNull())
        .addColumn('fact_value', 'text', (c) => c.notNull())
        .addColumn('first_seen', 'double precision', (c) => c.notNull())
        .addColumn('last_seen', 'double precision', (c) => c.notNull())
        .addColumn('n', 'bigint', (c) => c.notNull())
        .addColumn('frame', 'bigint')
        .execute();
      await common('obs_flows')
        .addColumn('client_ip', 'text', (c) => c.notNull())
        .addColumn('client_mac', 'text', (c) => c.notNull())
        .addColumn('client_key', 'text', (c) => c.notNull())
        .addColumn('server_ip', 'text', (c) => c.notNull())
        .addColumn('server_mac', 'text', (c) => c.notNull())
        .addColumn('server_key', 'text', (c) => c.notNull())
        .addColumn('server_port', 'integer', (c) => c.notNull())
        .addColumn('transport', 'text', (c) => c.notNull())
        .addColumn('app', 'text', (c) => c.notNull())
        .addColumn('flows', 'bigint', (c) => c.notNull())
        .addColumn('c_packets', 'bigint', (c) => c.notNull())
        .addColumn('s_packets', 'bigint', (c) => c.notNull())
        .addColumn('c_bytes', 'bigint', (c) => c.notNull())
        .addColumn('s_bytes', 'bigint', (c) => c.notNull())
        .addColumn('first_seen', 'double precision', (c) => c.notNull())
        .addColumn('last_seen', 'double precision', (c) => c.notNull())
        .addColumn('c_hops', 'integer', (c) => c.notNull())
        .addColumn('s_hops', 'integer', (c) => c.notNull())
        .execute();
      await common('obs_ops')
        .addColumn('client_ip', 'text', (c) => c.notNull())
        .addColumn('client_mac', 'text', (c) => c.notNull())
        .addColumn('client_key', 'text', (c) => c.notNull())
        .addColumn('server_ip', 'text', (c) => c.notNull())
        .addColumn('server_mac', 'text', (c) => c.notNull())
        .addColumn('server_key', 'text', (c) => c.notNull())
        .addColumn('protocol', 'text', (c) => c.notNull())
        .addColumn('op', 'text', (c) => c.notNull())
        .addColumn('code', 'text', (c) => c.notNull())
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('n', 'bigint', (c) => c.notNull())
        .addColumn('failed', 'bigint', (c) => c.notNull())
        .addColumn('first_seen', 'double precision', (c) => c.notNull())
        .addColumn('last_seen', 'double precision', (c) => c.notNull())
        .execute();
      for (const table of ['obs_flows', 'obs_ops'])
        for (const side of ['client_key', 'server_key'])
          await db.schema.createIndex(`${table}_${side}`).on(table).column(side).execute();
    },
  };
}

function inventory(dialect: Dialect): Migration {
  const t = types(dialect);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createTable('assets')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('ips', 'text', (c) => c.notNull())
        .addColumn('macs', 'text', (c) => c.notNull())
        .addColumn('names', 'text', (c) => c.notNull())
        .addColumn('vendor', 'text')
        .addColumn('vendor_key', 'text')
        .addColumn('model', 'text')
        .addColumn('firmware', 'text')
        .addColumn('serial', 'text')
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('role_confidence', 'double precision', (c) => c.notNull())
        .addColumn('purdue', 'integer')
        .addColumn('protocols', 'text', (c) => c.notNull())
        .addColumn('peers', 'integer', (c) => c.notNull())
        .addColumn('first_seen', 'double precision', (c) => c.notNull())
        .addColumn('last_seen', 'double precision', (c) => c.notNull())
        .addColumn('sort_ip', t.blob)
        .addColumn('sort_name', 'text')
        .addColumn('search', 'text', (c) => c.notNull())
        .addColumn('doc', 'text', (c) => c.notNull())
        .execute();
      for (const col of ['role', 'vendor_key', 'purdue', 'first_seen', 'last_seen', 'sort_ip', 'sort_name'])
        await db.schema.createIndex(`assets_${col}`).on('assets').column(col).execute();
      await db.schema
        .createTable('asset_ips')
        .addColumn('asset_id', 'text', (c) => c.notNull())
        .addColumn('ip', 'text', (c) => c.notNull())
        .addColumn('v', 'integer', (c) => c.notNull())
        .addColumn('bin', t.blob, (c) => c.notNull())
        .addPrimaryKeyConstraint('asset_ips_pk', ['asset_id', 'ip'])
        .execute();
      await db.schema.createIndex('asset_ips_bin').on('asset_ips').columns(['v', 'bin']).execute();
      await db.schema
        .createTable('asset_protocols')
        .addColumn('asset_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('asset_protocols_pk', ['asset_id', 'name'])
        .execute();
      await db.schema.createIndex('asset_protocols_name').on('asset_protocols').column('name').execute();
      await db.schema
        .createTable('endpoint_assets')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('asset_id', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('endpoint_assets_asset').on('endpoint_assets').column('asset_id').execute();
    },
  };
}

const accounts: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('name_key', 'text', (c) => c.notNull().unique())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created', 'double precision', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('sessions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('csrf', 'text', (c) => c.notNull())
      .addColumn('created', 'double precision', (c) => c.notNull())
      .addColumn('expires', 'double precision', (c) => c.notNull())
      .addColumn('last_seen', 'double precision', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sessions_user').on('sessions').column('user_id').execute();
    await db.schema.createIndex('sessions_expires').on('sessions').column('expires').execute();
  },
};

/** Every migration by name; names sort in the order they run. */
export function migrations(dialect: Dialect): MigrationProvider {
  return {
    async getMigrations() {
      return {
        '0001_observations': observations(dialect),
        '0002_inventory': inventory(dialect),
        '0003_accounts': accounts,
      };
    },
  };
}
