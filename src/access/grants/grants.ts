/**
 * Just-in-time grants. A user (typically a supplier's engineer) requests access to assets or a
 * zone, for named operations, inside a window, with a reason; an approver who is not the
 * requester approves or denies; an approved grant is active only inside its window and can be
 * extended or revoked. Every step is written with its `access.*` audit entry in one
 * transaction; a refused step changes nothing (the refusal itself is audited).
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import type { AuditLog } from '../audit/log.js';
import { olderThan } from '../db/keyset.js';
import type { AccessDb, GrantTable } from '../db/schema.js';
import type { Asset, Directory } from '../directory/directory.js';
import type { Epoch } from '../epoch.js';
import { AccessError } from '../errors.js';
import type { AccessEventInput, AuditEntry } from '../events.js';
import { idSchema, zodDetail } from '../ids.js';
import { type ActionId, isAction } from '../policy/actions.js';
import type { GrantCoverage, GrantLookup } from '../policy/decider.js';

export type GrantStatus = GrantTable['status'];

export interface Grant {
  id: string;
  requester: string;
  assets: string[];
  zone?: string;
  actions: ActionId[];
  startsAt: number;
  endsAt: number;
  reason: string;
  status: GrantStatus;
  approver?: string;
  decidedAt?: number;
  note?: string;
  createdAt: number;
}

export interface GrantRules {
  /** Longest window a grant may have (ms). */
  maxWindowMs: number;
  /** Group whose enabled employees may approve. */
  approverGroup: string;
}

export const DEFAULT_GRANT_RULES: GrantRules = { maxWindowMs: 7 * 24 * 3600_000, approverGroup: 'approvers' };

const requestInput = z
  .object({
    assets: z.array(idSchema).max(256).default([]),
    zone: idSchema.optional(),
    actions: z
      .array(z.string())
      .min(1)
      .max(64)
      .refine((xs) => xs.every(isAction), 'each action is connect or an operation such as modbus:read'),
    startsAt: z.number().int().nonnegative(),
    endsAt: z.number().int().positive(),
    reason: z.string().trim().min(1).max(1000),
  })
  .refine((v) => v.assets.length > 0 !== (v.zone !== undefined), 'name either assets or a zone');

export type GrantRequest = z.input<typeof requestInput>;

export class Grants implements GrantLookup {
  /** Approved grants per requester: what decisions consult. */
  private readonly approved = new Map<string, Grant[]>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    private readonly db: Kysely<AccessDb>,
    private readonly audit: AuditLog,
    private readonly epoch: Epoch,
    private readonly directory: Directory,
    private readonly clock: () => number,
    private readonly rules: GrantRules,
  ) {}

  static async load(
    db: Kysely<AccessDb>,
    audit: AuditLog,
    epoch: Epoch,
    directory: Directory,
    clock: () => number,
    rules: GrantRules = DEFAULT_GRANT_RULES,
  ): Promise<Grants> {
    const g = new Grants(db, audit, epoch, directory, clock, rules);
    const rows = await db.selectFrom('grants').selectAll().where('status', '=', 'approved').execute();
    for (const r of rows) g.index(toGrant(r));
    g.schedule();
    return g;
  }

  covering(user: string, asset: Asset, action: ActionId, at: number): GrantCoverage {
    const list = this.approved.get(user);
    if (list === undefined) return { status: 'missing' };
    let best: GrantCoverage = { status: 'missing' };
    for (const g of list) {
      const onAsset = g.assets.includes(asset.id) || (g.zone !== undefined && g.zone === asset.zone);
      if (!onAsset) continue;
      const inWindow = g.startsAt <= at && at < g.endsAt;
      const forAction = action === 'connect' || g.actions.includes(action);
      if (inWindow && forAction) return { status: 'active', id: g.id };
      if (inWindow) best = { status: 'operation-not-permitted' };
      else if (forAction && best.status === 'missing') best = { status: 'outside-window' };
    }
    return best;
  }

  async get(id: string): Promise<Grant | undefined> {
    const r = await this.db.selectFrom('grants').selectAll().where('id', '=', id).executeTakeFirst();
    return r === undefined ? undefined : toGrant(r);
  }

  /** Newest first; `before` (a grant id) pages back. */
  async list(
    opts: { status?: GrantStatus; requester?: string; limit?: number; before?: string } = {},
  ): Promise<Grant[]> {
    let q = this.db
      .selectFrom('grants')
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(opts.limit ?? 100);
    if (opts.before !== undefined) {
      const anchor = await this.get(opts.before);
      if (anchor === undefined) throw new AccessError('ACCESS_NOT_FOUND', `before: no grant ${opts.before}`);
      q = q.where(olderThan('created_at', { time: anchor.createdAt, id: anchor.id }));
    }
    if (opts.status !== undefined) q = q.where('status', '=', opts.status);
    if (opts.requester !== undefined) q = q.where('requester', '=', opts.requester);
    return (await q.execute()).map(toGrant);
  }

  async request(requester: string, raw: GrantRequest): Promise<Grant> {
    const parsed = requestInput.safeParse(raw);
    if (!parsed.success) throw new AccessError('ACCESS_VALIDATION', zodDetail('grant', parsed.error));
    const v = parsed.data;
    const user = this.directory.user(requester);
    if (user === undefined)
      throw new AccessError('ACCESS_NOT_FOUND', `grant.requester: no user ${requester}`);
    if (user.disabled) throw new AccessError('ACCESS_FORBIDDEN', `user ${requester} is disabled`);
    for (const a of v.assets)
      if (this.directory.asset(a) === undefined)
        throw new AccessError('ACCESS_NOT_FOUND', `grant.assets: no asset ${a}`);
    if (v.zone !== undefined && !this.directory.hasZone(v.zone))
      throw new AccessError('ACCESS_NOT_FOUND', `grant.zone: no zone ${v.zone}`);
    const now = this.clock();
    if (v.endsAt <= v.startsAt)
      throw new AccessError('ACCESS_VALIDATION', 'grant.endsAt: the window ends before it starts');
    if (v.endsAt <= now)
      throw new AccessError('ACCESS_VALIDATION', 'grant.endsAt: the window is already over');
    if (v.endsAt - v.startsAt > this.rules.maxWindowMs)
      throw new AccessError(
        'ACCESS_VALIDATION',
        `grant: a window is at most ${this.rules.maxWindowMs / 3600_000} hours`,
      );
    const grant: Grant = {
      id: `g-${randomUUID()}`,
      requester,
      assets: [...new Set(v.assets)],
      ...(v.zone !== undefined ? { zone: v.zone } : {}),
      actions: [...new Set(v.actions)] as ActionId[],
      startsAt: v.startsAt,
      endsAt: v.endsAt,
      reason: v.reason,
      status: 'pending',
      createdAt: now,
    };
    await this.write(
      { type: 'access.request', actor: requester, subject: grant.id, data: describe(grant) },
      async (t) => {
        await t.insertInto('grants').values(toRow(grant)).execute();
      },
    );
    return grant;
  }

  approve(id: string, approver: string, note = ''): Promise<Grant> {
    return this.decide(id, approver, 'approved', note);
  }

  deny(id: string, approver: string, note = ''): Promise<Grant> {
    return this.decide(id, approver, 'denied', note);
  }

  private async decide(
    id: string,
    approver: string,
    status: 'approved' | 'denied',
    note: string,
  ): Promise<Grant> {
    const g = await this.mustGet(id);
    await this.checkApprover(g, approver, status === 'approved' ? 'approve' : 'deny');
    if (g.status !== 'pending')
      throw new AccessError('ACCESS_CONFLICT', `grant ${id} is ${g.status}, not pending`);
    const now = this.clock();
    if (status === 'approved' && g.endsAt <= now)
      throw new AccessError('ACCESS_CONFLICT', `grant ${id}: its window is already over`);
    const next: Grant = {
      ...g,
      status,
      approver,
      decidedAt: now,
      ...(note ? { note: note.slice(0, 1000) } : {}),
    };
    await this.write(
      {
        type: status === 'approved' ? 'access.grant' : 'access.deny',
        actor: approver,
        subject: id,
        data: { ...describe(next), note: next.note ?? '' },
      },
      async (t) => {
        const r = await t
          .updateTable('grants')
          .set({ status, approver, decided_at: now, note: next.note ?? null })
          .where('id', '=', id)
          .where('status', '=', 'pending')
          .executeTakeFirst();
        if (r.numUpdatedRows !== 1n)
          throw new AccessError('ACCESS_CONFLICT', `grant ${id} changed meanwhile`);
      },
      () => {
        if (status === 'approved') this.index(next);
      },
    );
    return next;
  }

  async extend(id: string, approver: string, endsAt: number): Promise<Grant> {
    const g = await this.mustGet(id);
    await this.checkApprover(g, approver, 'extend');
    if (g.status !== 'approved')
      throw new AccessError('ACCESS_CONFLICT', `grant ${id} is ${g.status}, not approved`);
    if (!Number.isInteger(endsAt) || endsAt <= g.endsAt)
      throw new AccessError(
        'ACCESS_VALIDATION',
        'grant.endsAt: an extension ends later than the window it extends',
      );
    if (endsAt - g.startsAt > this.rules.maxWindowMs)
      throw new AccessError(
        'ACCESS_VALIDATION',
        `grant: a window is at most ${this.rules.maxWindowMs / 3600_000} hours`,
      );
    const next: Grant = { ...g, endsAt };
    await this.write(
      { type: 'access.extend', actor: approver, subject: id, data: { from: g.endsAt, to: endsAt } },
      async (t) => {
        await t.updateTable('grants').set({ ends_at: endsAt }).where('id', '=', id).execute();
      },
      () => this.index(next),
    );
    return next;
  }

  /** The requester may give up their own grant; an approver may revoke any. */
  async revoke(id: string, actor: string, reason = ''): Promise<Grant> {
    const g = await this.mustGet(id);
    if (actor !== g.requester) await this.checkApprover(g, actor, 'revoke');
    if (g.status !== 'approved' && g.status !== 'pending')
      throw new AccessError('ACCESS_CONFLICT', `grant ${id} is ${g.status}`);
    const next: Grant = { ...g, status: 'revoked' };
    await this.write(
      { type: 'access.revoke', actor, subject: id, data: { was: g.status, reason: reason.slice(0, 1000) } },
      async (t) => {
        await t.updateTable('grants').set({ status: 'revoked' }).where('id', '=', id).execute();
      },
      () => this.unindex(g),
    );
    return next;
  }

  close(): void {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
  }

  private async mustGet(id: string): Promise<Grant> {
    const g = await this.get(id);
    if (g === undefined) throw new AccessError('ACCESS_NOT_FOUND', `no grant ${id}`);
    return g;
  }

  /** Approvers are enabled employees of the approver group, never the requester. Refusals are audited. */
  private async checkApprover(g: Grant, approver: string, step: string): Promise<void> {
    const u = this.directory.user(approver);
    let why: string | undefined;
    if (approver === g.requester) why = `the requester cannot ${step} their own grant`;
    else if (u === undefined) why = `no user ${approver}`;
    else if (u.disabled) why = `user ${approver} is disabled`;
    else if (u.kind !== 'employee' || !u.groups.includes(this.rules.approverGroup))
      why = `user ${approver} is not in the ${this.rules.approverGroup} group`;
    if (why === undefined) return;
    await this.audit.append({
      type: 'access.approval.refused',
      actor: approver,
      subject: g.id,
      data: { step, why },
    });
    throw new AccessError('ACCESS_FORBIDDEN', `grant ${g.id}: ${why}`);
  }

  private async write(
    event: AccessEventInput,
    change: (t: Transaction<AccessDb>) => Promise<void>,
    mirror?: () => void,
  ): Promise<void> {
    const entry: AuditEntry = await this.db.transaction().execute(async (t) => {
      await change(t);
      return this.audit.append(event, t);
    });
    if (mirror !== undefined) {
      mirror();
      this.epoch.bump('grant');
      this.schedule();
    }
    this.audit.published(entry);
  }

  private index(g: Grant): void {
    const list = (this.approved.get(g.requester) ?? []).filter((x) => x.id !== g.id);
    list.push(g);
    this.approved.set(g.requester, list);
  }

  private unindex(g: Grant): void {
    const list = (this.approved.get(g.requester) ?? []).filter((x) => x.id !== g.id);
    if (list.length === 0) this.approved.delete(g.requester);
    else this.approved.set(g.requester, list);
  }

  /**
   * A timer for the next window edge of any approved grant: at it the epoch moves, so cached
   * decisions drop and live sessions re-check at once (a grant that ends cuts its sessions).
   * Grants whose window is over leave the index.
   */
  private schedule(): void {
    if (this.closed) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const now = this.clock();
    let next = Number.POSITIVE_INFINITY;
    for (const [user, list] of this.approved) {
      const live = list.filter((g) => g.endsAt > now);
      if (live.length === 0) this.approved.delete(user);
      else if (live.length !== list.length) this.approved.set(user, live);
      for (const g of live) {
        if (g.startsAt > now) next = Math.min(next, g.startsAt);
        next = Math.min(next, g.endsAt);
      }
    }
    if (next === Number.POSITIVE_INFINITY) return;
    // setTimeout holds at most 2^31-1 ms; a later edge is reached by re-arming.
    const delay = Math.min(Math.max(0, next - now), 2 ** 31 - 1);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // A timer can fire a hair early: only move the epoch once an edge has really passed.
      if (this.clock() >= next) this.epoch.bump('grant-window');
      this.schedule();
    }, delay);
    this.timer.unref();
  }
}

function describe(g: Grant): Record<string, unknown> {
  return {
    requester: g.requester,
    assets: g.assets,
    zone: g.zone ?? null,
    actions: g.actions,
    startsAt: g.startsAt,
    endsAt: g.endsAt,
    reason: g.reason,
  };
}

function toRow(g: Grant): GrantTable {
  return {
    id: g.id,
    requester: g.requester,
    assets: JSON.stringify(g.assets),
    zone_id: g.zone ?? null,
    actions: JSON.stringify(g.actions),
    starts_at: g.startsAt,
    ends_at: g.endsAt,
    reason: g.reason,
    status: g.status,
    approver: g.approver ?? null,
    decided_at: g.decidedAt ?? null,
    note: g.note ?? null,
    created_at: g.createdAt,
  };
}

function toGrant(r: GrantTable): Grant {
  return {
    id: r.id,
    requester: r.requester,
    assets: JSON.parse(r.assets) as string[],
    ...(r.zone_id !== null ? { zone: r.zone_id } : {}),
    actions: JSON.parse(r.actions) as ActionId[],
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    reason: r.reason,
    status: r.status,
    ...(r.approver !== null ? { approver: r.approver } : {}),
    ...(r.decided_at !== null ? { decidedAt: r.decided_at } : {}),
    ...(r.note !== null ? { note: r.note } : {}),
    createdAt: r.created_at,
  };
}
