/**
 * What every connection to the gateway database gets: the main thread's (Kysely, db/open.ts),
 * the recording worker's (proxy/record-worker.ts) and a command's probe (state.ts). Two of them
 * write at once, so
 *
 * - every write transaction begins IMMEDIATE: it takes the write lock before it reads. A
 *   deferred one that reads and then writes cannot take the lock while the other connection
 *   commits (SQLite answers SQLITE_BUSY at once, with no wait: its snapshot would be stale), so
 *   an audit append, which reads the chain's head first, would be lost;
 * - every connection waits up to BUSY_TIMEOUT_MS for that lock instead of failing. The other
 *   side holds it for one short commit (a recording batch, an audit entry with its change).
 */
import type Database from 'better-sqlite3';

export const BUSY_TIMEOUT_MS = 5000;

/** WAL (readers beside the writer) and the busy wait; foreign keys are the caller's choice. */
export function configureConnection(sqlite: Database.Database): void {
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
}
