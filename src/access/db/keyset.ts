/**
 * Paging newest first by (time, id), a page starting after a row the client names: unlike an
 * offset, rows added meanwhile neither repeat nor skip entries, and a page deep in years of
 * history costs one index seek.
 */
import { type Expression, type SqlBool, sql } from 'kysely';

/** Rows that come after `anchor` in newest-first order of `timeColumn`, then `id`. */
export function olderThan(timeColumn: string, anchor: { time: number; id: string }): Expression<SqlBool> {
  const time = sql.ref(timeColumn);
  return sql<SqlBool>`(${time} < ${anchor.time} or (${time} = ${anchor.time} and ${sql.ref('id')} < ${anchor.id}))`;
}
