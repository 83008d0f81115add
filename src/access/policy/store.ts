/**
 * The policy in force and its history. Every change is compiled (parsed, named, validated
 * against the schema) before it is stored; a document that fails is refused with Cedar's
 * errors and recorded as rejected, and the previous one stays in force.
 */
import type { Kysely } from 'kysely';
import type { AuditLog } from '../audit/log.js';
import type { AccessDb } from '../db/schema.js';
import type { Epoch } from '../epoch.js';
import { AccessError } from '../errors.js';
import { type CompiledPolicies, compilePolicies, DEFAULT_POLICY, type PolicyProblem } from './document.js';

export interface PolicyVersion {
  version: number;
  text: string;
  author: string;
  createdAt: number;
}

/** Largest policy document accepted (characters). */
export const MAX_POLICY_TEXT = 256 * 1024;

export class PolicyStore {
  private compiled: CompiledPolicies;
  private currentVersion: number;

  private constructor(
    private readonly db: Kysely<AccessDb>,
    private readonly audit: AuditLog,
    private readonly epoch: Epoch,
    private readonly clock: () => number,
    compiled: CompiledPolicies,
    version: number,
  ) {
    this.compiled = compiled;
    this.currentVersion = version;
  }

  /** Loads the newest stored version; a new gateway starts with `DEFAULT_POLICY` as version 1. */
  static async load(
    db: Kysely<AccessDb>,
    audit: AuditLog,
    epoch: Epoch,
    clock: () => number,
  ): Promise<PolicyStore> {
    let row = await db
      .selectFrom('policies')
      .selectAll()
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (row === undefined) {
      const text = DEFAULT_POLICY;
      const entry = await db.transaction().execute(async (t) => {
        await t.insertInto('policies').values({ text, author: 'system', created_at: clock() }).execute();
        return audit.append(
          {
            type: 'access.policy.change',
            actor: 'system',
            subject: 'policy',
            data: { version: 1, default: true },
          },
          t,
        );
      });
      audit.published(entry);
      row = await db
        .selectFrom('policies')
        .selectAll()
        .orderBy('version', 'desc')
        .limit(1)
        .executeTakeFirstOrThrow();
    }
    const r = compilePolicies(row.text);
    if (!r.ok)
      throw new Error(
        `stored policy version ${row.version} no longer compiles: ${r.problems.map((p) => p.message).join('; ')}`,
      );
    return new PolicyStore(db, audit, epoch, clock, r.compiled, row.version);
  }

  get current(): CompiledPolicies {
    return this.compiled;
  }

  get version(): number {
    return this.currentVersion;
  }

  /** Problems of a document without storing it (the console's "validate"). */
  check(text: string): PolicyProblem[] {
    if (text.length > MAX_POLICY_TEXT) return [{ message: `policy text over ${MAX_POLICY_TEXT} characters` }];
    const r = compilePolicies(text);
    return r.ok ? [] : r.problems;
  }

  /** Replace the document in force. Throws ACCESS_POLICY_INVALID naming every problem. */
  async set(text: string, author: string): Promise<number> {
    const r =
      text.length > MAX_POLICY_TEXT
        ? { ok: false as const, problems: [{ message: `policy text over ${MAX_POLICY_TEXT} characters` }] }
        : compilePolicies(text);
    if (!r.ok) {
      await this.audit.append({
        type: 'access.policy.rejected',
        actor: author,
        subject: 'policy',
        data: { problems: r.problems.slice(0, 20), inForce: this.currentVersion },
      });
      throw new AccessError(
        'ACCESS_POLICY_INVALID',
        r.problems
          .map((p) => (p.policy !== undefined ? `policy ${p.policy}: ${p.message}` : p.message))
          .join('\n'),
      );
    }
    const { version, entry } = await this.db.transaction().execute(async (t) => {
      const ins = await t
        .insertInto('policies')
        .values({ text, author, created_at: this.clock() })
        .returning('version')
        .executeTakeFirstOrThrow();
      const entry = await this.audit.append(
        {
          type: 'access.policy.change',
          actor: author,
          subject: 'policy',
          data: {
            version: ins.version,
            policies: [...r.compiled.policies.keys()].filter((id) => !id.startsWith('system:')),
          },
        },
        t,
      );
      return { version: ins.version, entry };
    });
    this.compiled = r.compiled;
    this.currentVersion = version;
    this.epoch.bump('policy');
    this.audit.published(entry);
    return version;
  }

  async history(limit = 50): Promise<PolicyVersion[]> {
    const rows = await this.db
      .selectFrom('policies')
      .selectAll()
      .orderBy('version', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ version: r.version, text: r.text, author: r.author, createdAt: r.created_at }));
  }
}
