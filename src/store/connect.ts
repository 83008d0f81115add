/**
 * Opens the database behind the store: PostgreSQL when the URL says `postgres://` (or
 * `postgresql://`), else an embedded SQLite file under the data dir. Then runs the
 * migrations. One Kysely query layer for both.
 */
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { StoreError } from './errors.js';
import { migrations } from './migrations.js';
import type { Database } from './schema.js';
import { cachingDatabase } from './sqlite-statements.js';
import type { Dialect, StoreOptions } from './types.js';

export interface Opened {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Where the data lives, without credentials: for logs and errors. */
  where: string;
}

const PG_URL = /^postgres(ql)?:\/\//i;

/** The URL with its password masked. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable URL)';
  }
}

// int8 (counts, sums of bigint) and numeric (sum over int8) come back as strings by default;
// every such value here is a count far below 2^53.
const INT8 = 20;
const NUMERIC = 1700;
const pgTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 || oid === NUMERIC
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format ?? 'text')) as typeof pg.types.getTypeParser,
};

function openPostgres(url: string): Opened {
  const pool = new pg.Pool({ connectionString: url, max: 10, types: pgTypes });
  // An idle client's error (server restart) must not crash the process; the next query reports it.
  pool.on('error', () => {});
  return {
    db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }),
    dialect: 'postgres',
    where: redactUrl(url),
  };
}

function openSqlite(dataDir: string): Opened {
  const dir = resolve(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, 'lineguard.db');
  const fresh = !existsSync(file);
  const sqlite = new SQLite(file);
  // Password hashes and sessions live here: owner only. SQLite gives -wal/-shm the same mode.
  if (fresh) chmodSync(file, 0o600);
  sqlite.pragma('journal_mode = WAL');
  // WAL + FULL: a committed batch survives a killed process and a power cut.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  // 64 MiB of page cache: row keys are digests, so upserts land all over the index.
  sqlite.pragma('cache_size = -65536');
  return {
    db: new Kysely<Database>({ dialect: new SqliteDialect({ database: cachingDatabase(sqlite) }) }),
    dialect: 'sqlite',
    where: file,
  };
}

export async function openDatabase(opts: StoreOptions): Promise<Opened> {
  const url = opts.url ?? process.env.LINEGUARD_DATABASE_URL;
  let opened: Opened;
  if (url && PG_URL.test(url)) opened = openPostgres(url);
  else if (url)
    throw new StoreError(
      'invalid',
      'url',
      `unsupported database URL ${redactUrl(url)}: use postgres://…, or no URL for SQLite`,
    );
  else opened = openSqlite(opts.dataDir ?? process.env.LINEGUARD_DATA_DIR ?? 'lineguard-data');
  try {
    const migrator = new Migrator({ db: opened.db, provider: migrations(opened.dialect) });
    const { error } = await migrator.migrateToLatest();
    if (error) throw error;
  } catch (e) {
    await opened.db.destroy();
    const why = e instanceof Error ? e.message : String(e);
    throw new StoreError(
      'unavailable',
      'database',
      `cannot open the ${opened.dialect} store at ${opened.where}: ${why}`,
    );
  }
  return opened;
}
