/**
 * The append-only audit log. Entries are appended inside a transaction (the caller's, when the
 * entry records a change made in it, so the change and its record land together or not at
 * all); the newest sequence and hash are also kept as the log's head, so cutting entries off
 * the end is detected too.
 */
import type { Kysely, Transaction } from 'kysely';
import type { AccessDb } from '../db/schema.js';
import type { AccessEventInput, AccessEventType, AuditEntry } from '../events.js';
import { entryHash, GENESIS } from './chain.js';

export const HEAD_KEY = 'audit_head';

export type AuditListener = (entry: AuditEntry) => void;

export class AuditLog {
  private readonly listeners = new Set<AuditListener>();
  private failures = 0;

  constructor(
    private readonly db: Kysely<AccessDb>,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Hear every entry once it is committed (the hub's bus, the console's live view). */
  subscribe(l: AuditListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /**
   * Appends in `trx` when given (the caller's change and its record commit together; the
   * caller then passes the returned entry to `published` after commit), else in a transaction
   * of its own.
   */
  async append(input: AccessEventInput, trx?: Transaction<AccessDb>): Promise<AuditEntry> {
    if (trx !== undefined) return this.appendIn(trx, input);
    const entry = await this.db.transaction().execute((t) => this.appendIn(t, input));
    this.published(entry);
    return entry;
  }

  /**
   * Append without waiting (the proxies' hot paths). The recording worker's commits do not
   * make it fail (the transaction begins IMMEDIATE and waits its turn: db/connection.ts); a
   * failure that remains (disk full, database gone) cannot be thrown at the connection that
   * caused it and is counted in `failedAppends` for health checks.
   */
  appendSoon(input: AccessEventInput): void {
    this.append(input).catch(() => {
      this.failures++;
    });
  }

  get failedAppends(): number {
    return this.failures;
  }

  /** Tell listeners about an entry committed in a caller's transaction. */
  published(entry: AuditEntry): void {
    for (const l of this.listeners) l(entry);
  }

  private async appendIn(trx: Transaction<AccessDb>, input: AccessEventInput): Promise<AuditEntry> {
    const last = await trx
      .selectFrom('audit')
      .select(['seq', 'hash'])
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    const seq = (last?.seq ?? 0) + 1;
    const prev = last?.hash ?? GENESIS;
    const ts = this.clock();
    const hash = entryHash(prev, { seq, ts, ...input });
    await trx
      .insertInto('audit')
      .values({
        seq,
        ts,
        type: input.type,
        actor: input.actor,
        subject: input.subject,
        data: JSON.stringify(input.data),
        prev,
        hash,
      })
      .execute();
    await trx
      .insertInto('meta')
      .values({ key: HEAD_KEY, value: `${seq}:${hash}` })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: `${seq}:${hash}` }))
      .execute();
    return { seq, ts, prev, hash, ...input };
  }

  /** Entries in order, a page at a time (exports and verification stream through this). */
  async *entries(
    opts: { from?: number; type?: AccessEventType; pageSize?: number } = {},
  ): AsyncGenerator<AuditEntry> {
    let after = (opts.from ?? 1) - 1;
    const size = opts.pageSize ?? 1000;
    for (;;) {
      let q = this.db.selectFrom('audit').selectAll().where('seq', '>', after).orderBy('seq').limit(size);
      if (opts.type !== undefined) q = q.where('type', '=', opts.type);
      const rows = await q.execute();
      for (const r of rows) yield toEntry(r);
      if (rows.length < size) return;
      after = rows[rows.length - 1]!.seq;
    }
  }

  async list(opts: { from?: number; type?: AccessEventType; limit: number }): Promise<AuditEntry[]> {
    const out: AuditEntry[] = [];
    for await (const e of this.entries({ ...opts, pageSize: Math.min(opts.limit, 1000) })) {
      out.push(e);
      if (out.length >= opts.limit) break;
    }
    return out;
  }
}

export function toEntry(r: {
  seq: number;
  ts: number;
  type: string;
  actor: string;
  subject: string;
  data: string;
  prev: string;
  hash: string;
}): AuditEntry {
  return {
    seq: r.seq,
    ts: r.ts,
    type: r.type as AccessEventType,
    actor: r.actor,
    subject: r.subject,
    data: safeJson(r.data),
    prev: r.prev,
    hash: r.hash,
  };
}

/** Stored data is JSON we wrote; a tampered row that no longer parses keeps its raw text. */
function safeJson(text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : { raw: text };
  } catch {
    return { raw: text };
  }
}
