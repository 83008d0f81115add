/**
 * The audit log's hash chain: each entry's hash covers the previous entry's hash and the
 * entry's own fields in a canonical JSON form (keys sorted), so changing, removing or
 * reordering any entry breaks every link after it.
 */
import { createHash } from 'node:crypto';

export const GENESIS = '0'.repeat(64);

export interface AuditFields {
  seq: number;
  ts: number;
  type: string;
  actor: string;
  subject: string;
  data: unknown;
}

/** JSON with object keys sorted at every depth: one byte string per value. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  const parts: string[] = [];
  for (const k of keys) {
    const v = (value as Record<string, unknown>)[k];
    if (v === undefined) continue;
    parts.push(`${JSON.stringify(k)}:${canonicalJson(v)}`);
  }
  return `{${parts.join(',')}}`;
}

export function entryHash(prev: string, f: AuditFields): string {
  return createHash('sha256')
    .update(prev)
    .update('\n')
    .update(
      canonicalJson({ seq: f.seq, ts: f.ts, type: f.type, actor: f.actor, subject: f.subject, data: f.data }),
    )
    .digest('hex');
}
