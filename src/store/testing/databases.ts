/**
 * The databases the store suite runs on: SQLite in a temp dir, always; PostgreSQL in a
 * throwaway database (`lg_test_<random>`) on the server at LINEGUARD_TEST_PG_URL (default
 * the loopback one), dropped after. Without a reachable server the PostgreSQL runs skip and
 * say why — except under CI=true, where `.ci/run` starts one and its absence is a failure.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Dialect, StoreOptions } from '../types.js';

export const PG_BASE_URL = process.env.LINEGUARD_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  dialect: Dialect;
  options: StoreOptions;
  drop(): Promise<void>;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: PG_BASE_URL, connectionTimeoutMillis: 3000 });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

let reachable: Promise<string | null> | undefined;

/** Null when PostgreSQL answers; else why not. Throws under CI=true. */
export function postgresUnavailable(): Promise<string | null> {
  reachable ??= admin(async (c) => {
    await c.query('select 1');
    return null;
  }).catch((e: unknown) => {
    const why = `PostgreSQL not reachable at ${PG_BASE_URL.replace(/:[^:@/]*@/, ':***@')}: ${e instanceof Error ? e.message : String(e)}`;
    if (process.env.CI === 'true') throw new Error(`CI=true: ${why}`);
    console.warn(`skipping the PostgreSQL store tests: ${why}`);
    return why;
  });
  return reachable;
}

export function sqliteDatabase(): TestDatabase {
  const dataDir = mkdtempSync(join(tmpdir(), 'lg-store-'));
  return {
    dialect: 'sqlite',
    options: { dataDir },
    drop: async () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

export async function postgresDatabase(): Promise<TestDatabase> {
  const name = `lg_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`create database ${name}`));
  const url = new URL(PG_BASE_URL);
  url.pathname = `/${name}`;
  return {
    dialect: 'postgres',
    options: { url: url.toString() },
    drop: () => admin((c) => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}

export function testDatabase(dialect: Dialect): Promise<TestDatabase> {
  return dialect === 'sqlite' ? Promise.resolve(sqliteDatabase()) : postgresDatabase();
}
