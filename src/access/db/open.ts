/**
 * Opens (creating when absent) the gateway database and brings it to the newest migration.
 */
import Database from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  Migrator,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
} from 'kysely';
import { configureConnection } from './connection.js';
import { MIGRATIONS } from './migrations.js';
import type { AccessDb } from './schema.js';

export type AccessKysely = Kysely<AccessDb>;

export interface OpenedDb {
  db: AccessKysely;
  /**
   * The connection under Kysely, for bulk writes with prepared statements (recordings). Use it
   * only while holding Kysely's connection (`db.connection().execute`), so no Kysely
   * transaction is open around it.
   */
  sqlite: Database.Database;
}

export async function openAccessDb(path: string): Promise<OpenedDb> {
  const sqlite = new Database(path);
  configureConnection(sqlite);
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<AccessDb>({ dialect: new ImmediateSqliteDialect({ database: sqlite }) });
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => MIGRATIONS },
    migrationTableName: 'access_migration',
    migrationLockTableName: 'access_migration_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    await db.destroy();
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`gateway database ${path}: migration ${failed} failed: ${(error as Error).message}`);
  }
  return { db, sqlite };
}

/**
 * Kysely's SQLite dialect with its transactions (ours, the migrator's) begun IMMEDIATE, not
 * deferred: see connection.ts.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly config: SqliteDialectConfig) {
    super(config);
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.config);
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}
