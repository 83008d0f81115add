/**
 * The gateway's state without its CA and listeners: database, audit log, directory,
 * policies, grants and decisions. Enough for `lineguard access explain` and the audit commands,
 * which must work without the CA passphrase.
 */
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { AuditLog } from './audit/log.js';
import { BUSY_TIMEOUT_MS } from './db/connection.js';
import { openAccessDb } from './db/open.js';
import type { AccessDb } from './db/schema.js';
import { Directory } from './directory/directory.js';
import { Epoch } from './epoch.js';
import { AccessError } from './errors.js';
import { DEFAULT_GRANT_RULES, type GrantRules, Grants } from './grants/grants.js';
import { DecisionCache } from './policy/cache.js';
import { Decider } from './policy/decider.js';
import { PolicyStore } from './policy/store.js';

export interface StateOptions {
  /** SQLite file of the gateway's own state (`:memory:` for a throwaway one). */
  dbPath: string;
  clock?: () => number;
  grantRules?: Partial<GrantRules>;
  /** Refuse to create a database that is not there (commands that only read). */
  mustExist?: boolean;
}

export interface AccessState {
  db: Kysely<AccessDb>;
  sqlite: Database.Database;
  clock: () => number;
  epoch: Epoch;
  audit: AuditLog;
  directory: Directory;
  policies: PolicyStore;
  grants: Grants;
  decider: Decider;
}

export async function openAccessState(opts: StateOptions): Promise<AccessState> {
  if (opts.mustExist && opts.dbPath !== ':memory:') {
    if (!existsSync(opts.dbPath))
      throw new AccessError('ACCESS_NOT_FOUND', `no gateway database at ${opts.dbPath}`);
    // Never migrate someone else's SQLite file into a gateway database.
    const probe = new Database(opts.dbPath, {
      readonly: true,
      fileMustExist: true,
      timeout: BUSY_TIMEOUT_MS,
    });
    try {
      const ours = probe
        .prepare("select 1 from sqlite_master where type = 'table' and name = 'access_migration'")
        .get();
      if (ours === undefined)
        throw new AccessError('ACCESS_NOT_FOUND', `${opts.dbPath} is not a gateway database`);
    } catch (e) {
      if (e instanceof AccessError) throw e;
      throw new AccessError('ACCESS_NOT_FOUND', `${opts.dbPath}: ${(e as Error).message}`);
    } finally {
      probe.close();
    }
  }
  const clock = opts.clock ?? Date.now;
  const { db, sqlite } = await openAccessDb(opts.dbPath);
  try {
    const epoch = new Epoch();
    const audit = new AuditLog(db, clock);
    const directory = await Directory.load(db, audit, epoch, clock);
    const policies = await PolicyStore.load(db, audit, epoch, clock);
    const grants = await Grants.load(db, audit, epoch, directory, clock, {
      ...DEFAULT_GRANT_RULES,
      ...opts.grantRules,
    });
    const cache = new DecisionCache();
    epoch.subscribe(() => cache.clear());
    const decider = new Decider(directory, grants, () => policies.current, cache, clock);
    return { db, sqlite, clock, epoch, audit, directory, policies, grants, decider };
  } catch (e) {
    await db.destroy();
    throw e;
  }
}

export async function closeAccessState(s: AccessState): Promise<void> {
  s.grants.close();
  await s.db.destroy();
}
