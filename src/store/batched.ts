/**
 * Many rows written with few statement texts: each chunk size is built by Kysely once and
 * its SQL reused with the next chunk's parameters. SQLite keeps those statements prepared
 * (sqlite-statements.ts); both databases skip rebuilding a 10,000-parameter query per chunk.
 */
import { type Compilable, CompiledQuery, type Transaction } from 'kysely';
import type { Database } from './schema.js';
import type { Dialect } from './types.js';

/** Rows per INSERT statement: 500 × 21 columns stays under both databases' parameter limits. */
const CHUNK = 500;

/**
 * Statement sizes: full chunks, then the rest as powers of two, so that a handful of
 * statement texts serve every batch (SQLite keeps them prepared).
 */
export function chunkSizes(rows: number): number[] {
  const out: number[] = [];
  let left = rows;
  while (left >= CHUNK) {
    out.push(CHUNK);
    left -= CHUNK;
  }
  for (let size = 256; size >= 1; size >>= 1) {
    if (left >= size) {
      out.push(size);
      left -= size;
    }
  }
  return out;
}

export function chunks<T>(rows: T[]): T[][] {
  const out: T[][] = [];
  let at = 0;
  for (const size of chunkSizes(rows.length)) {
    out.push(rows.slice(at, at + size));
    at += size;
  }
  return out;
}

/**
 * Runs an insert (or upsert) built by Kysely for each chunk, building each statement size once: later
 * chunks of that size reuse its SQL with their own parameters (row by row, column by column,
 * as Kysely orders them; checked the first time).
 */
export class Batched<R extends Record<string, unknown>> {
  /** Per dialect and size: the placeholders differ (`?` and `$1`). */
  private readonly sqlBySize = new Map<string, string>();

  constructor(private readonly build: (trx: Transaction<Database>, rows: R[]) => Compilable) {}

  async run(trx: Transaction<Database>, dialect: Dialect, rows: R[]): Promise<void> {
    if (rows.length === 0) return;
    const columns = Object.keys(rows[0]!);
    for (const part of chunks(rows)) {
      const parameters = part.flatMap((r) => columns.map((c) => r[c]));
      const key = `${dialect}:${part.length}`;
      let text = this.sqlBySize.get(key);
      if (text === undefined) {
        const compiled = this.build(trx, part).compile();
        if (!sameParameters(compiled.parameters, parameters))
          throw new Error('store: the insert statement does not take its parameters in row order');
        text = compiled.sql;
        this.sqlBySize.set(key, text);
      }
      await trx.executeQuery(CompiledQuery.raw(text, parameters));
    }
  }
}

function sameParameters(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
