/**
 * better-sqlite3 behind Kysely, with prepared statements kept by SQL text. Kysely prepares
 * every query it runs; preparing a 500-row upsert costs about as much as running it, and
 * the ingest runs the same few statements thousands of times.
 */
import type SQLite from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

const KEEP = 128;

export function cachingDatabase(db: SQLite.Database): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => db.close(),
    prepare(sql) {
      let s = statements.get(sql);
      if (s) {
        // Most recently used last: the first key is the one to drop.
        statements.delete(sql);
      } else {
        s = db.prepare(sql);
        if (statements.size >= KEEP) statements.delete(statements.keys().next().value!);
      }
      statements.set(sql, s);
      return s;
    },
  };
}
