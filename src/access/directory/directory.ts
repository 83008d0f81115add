/**
 * The gateway's directory: users (employees and suppliers' engineers), groups, suppliers,
 * devices, zones, assets and asset groups. Kept in the gateway's database and mirrored in
 * memory, because every decision reads it and must not wait on I/O. Each change is written
 * with its audit entry in one transaction, then mirrored, then the epoch moves (cached
 * decisions drop, live sessions re-check).
 */
import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import type { AuditLog } from '../audit/log.js';
import type { AccessDb } from '../db/schema.js';
import type { Epoch, EpochCause } from '../epoch.js';
import { AccessError } from '../errors.js';
import type { AccessEventInput, AuditEntry } from '../events.js';
import { idSchema, nameSchema, zodDetail } from '../ids.js';

export interface User {
  id: string;
  name: string;
  kind: 'employee' | 'supplier';
  supplier?: string;
  disabled: boolean;
  groups: string[];
}

export interface Device {
  id: string;
  user: string;
  name: string;
}

export interface Asset {
  id: string;
  name: string;
  host: string;
  port: number;
  /** The protocol its listener speaks: modbus, s7, or tcp for a relayed service. */
  protocol: string;
  zone?: string;
  groups: string[];
  isolated: boolean;
}

const userInput = z.object({
  id: idSchema,
  name: nameSchema,
  kind: z.enum(['employee', 'supplier']),
  supplier: idSchema.optional(),
  groups: z.array(idSchema).max(64).default([]),
});

const assetInput = z.object({
  id: idSchema,
  name: nameSchema,
  host: z.string().min(1).max(253),
  port: z.number().int().min(1).max(65535),
  protocol: z.enum(['modbus', 's7', 'enip', 'tcp']),
  zone: idSchema.optional(),
  groups: z.array(idSchema).max(64).default([]),
});

const namedInput = z.object({ id: idSchema, name: nameSchema });
const deviceInput = z.object({ id: idSchema, user: idSchema, name: nameSchema });

export type UserInput = z.input<typeof userInput>;
export type AssetInput = z.input<typeof assetInput>;

type NamedKind = 'groups' | 'suppliers' | 'zones' | 'asset_groups';

export class Directory {
  private readonly users = new Map<string, User>();
  private readonly devices = new Map<string, Device>();
  private readonly assets = new Map<string, Asset>();
  private readonly named: Record<NamedKind, Map<string, string>> = {
    groups: new Map(),
    suppliers: new Map(),
    zones: new Map(),
    asset_groups: new Map(),
  };

  private constructor(
    private readonly db: Kysely<AccessDb>,
    private readonly audit: AuditLog,
    private readonly epoch: Epoch,
    private readonly clock: () => number,
  ) {}

  static async load(
    db: Kysely<AccessDb>,
    audit: AuditLog,
    epoch: Epoch,
    clock: () => number,
  ): Promise<Directory> {
    const d = new Directory(db, audit, epoch, clock);
    for (const k of ['groups', 'suppliers', 'zones', 'asset_groups'] as const)
      for (const r of await db.selectFrom(k).selectAll().execute()) d.named[k].set(r.id, r.name);
    const memberships = await db.selectFrom('user_groups').selectAll().execute();
    for (const r of await db.selectFrom('users').selectAll().execute()) {
      d.users.set(r.id, {
        id: r.id,
        name: r.name,
        kind: r.kind,
        ...(r.supplier_id !== null ? { supplier: r.supplier_id } : {}),
        disabled: r.disabled === 1,
        groups: memberships.filter((m) => m.user_id === r.id).map((m) => m.group_id),
      });
    }
    for (const r of await db.selectFrom('devices').selectAll().execute())
      d.devices.set(r.id, { id: r.id, user: r.user_id, name: r.name });
    const members = await db.selectFrom('asset_group_members').selectAll().execute();
    for (const r of await db.selectFrom('assets').selectAll().execute()) {
      d.assets.set(r.id, {
        id: r.id,
        name: r.name,
        host: r.host,
        port: r.port,
        protocol: r.protocol,
        ...(r.zone_id !== null ? { zone: r.zone_id } : {}),
        groups: members.filter((m) => m.asset_id === r.id).map((m) => m.group_id),
        isolated: r.isolated === 1,
      });
    }
    return d;
  }

  user(id: string): User | undefined {
    return this.users.get(id);
  }
  /** The user, when they exist and are enabled; otherwise the error that says which. */
  enabledUser(id: string): User {
    const u = this.users.get(id);
    if (u === undefined) throw new AccessError('ACCESS_NOT_FOUND', `no user ${id}`);
    if (u.disabled) throw new AccessError('ACCESS_FORBIDDEN', `user ${id} is disabled`);
    return u;
  }
  device(id: string): Device | undefined {
    return this.devices.get(id);
  }
  asset(id: string): Asset | undefined {
    return this.assets.get(id);
  }
  hasGroup(id: string): boolean {
    return this.named.groups.has(id);
  }
  hasZone(id: string): boolean {
    return this.named.zones.has(id);
  }
  listUsers(): User[] {
    return [...this.users.values()];
  }
  listAssets(): Asset[] {
    return [...this.assets.values()];
  }

  addGroup(input: { id: string; name: string }, actor: string): Promise<void> {
    return this.addNamed('groups', 'group', input, actor);
  }
  addSupplier(input: { id: string; name: string }, actor: string): Promise<void> {
    return this.addNamed('suppliers', 'supplier', input, actor);
  }
  addZone(input: { id: string; name: string }, actor: string): Promise<void> {
    return this.addNamed('zones', 'zone', input, actor);
  }
  addAssetGroup(input: { id: string; name: string }, actor: string): Promise<void> {
    return this.addNamed('asset_groups', 'asset group', input, actor);
  }

  private async addNamed(table: NamedKind, what: string, raw: unknown, actor: string): Promise<void> {
    const v = parse(namedInput, raw, what);
    if (this.named[table].has(v.id))
      throw new AccessError('ACCESS_CONFLICT', `${what} ${v.id} already exists`);
    await this.change(
      { type: 'access.directory.change', actor, subject: v.id, data: { add: what, name: v.name } },
      'directory',
      async (t) => {
        await t.insertInto(table).values({ id: v.id, name: v.name }).execute();
      },
    );
    this.named[table].set(v.id, v.name);
  }

  async addUser(raw: UserInput, actor: string): Promise<User> {
    const v = parse(userInput, raw, 'user');
    if (this.users.has(v.id)) throw new AccessError('ACCESS_CONFLICT', `user ${v.id} already exists`);
    if (v.kind === 'supplier' && v.supplier === undefined)
      throw new AccessError('ACCESS_VALIDATION', `user.supplier: a supplier user names its supplier`);
    if (v.kind === 'employee' && v.supplier !== undefined)
      throw new AccessError('ACCESS_VALIDATION', `user.supplier: an employee has no supplier`);
    if (v.supplier !== undefined && !this.named.suppliers.has(v.supplier))
      throw new AccessError('ACCESS_NOT_FOUND', `user.supplier: no supplier ${v.supplier}`);
    for (const g of v.groups)
      if (!this.named.groups.has(g)) throw new AccessError('ACCESS_NOT_FOUND', `user.groups: no group ${g}`);
    const user: User = {
      id: v.id,
      name: v.name,
      kind: v.kind,
      ...(v.supplier !== undefined ? { supplier: v.supplier } : {}),
      disabled: false,
      groups: [...new Set(v.groups)],
    };
    await this.change(
      {
        type: 'access.directory.change',
        actor,
        subject: v.id,
        data: { add: 'user', kind: v.kind, groups: user.groups },
      },
      'user',
      async (t) => {
        await t
          .insertInto('users')
          .values({
            id: v.id,
            name: v.name,
            kind: v.kind,
            supplier_id: v.supplier ?? null,
            disabled: 0,
            created_at: this.clock(),
          })
          .execute();
        for (const g of user.groups)
          await t.insertInto('user_groups').values({ user_id: v.id, group_id: g }).execute();
      },
      () => this.users.set(user.id, user),
    );
    return user;
  }

  async setUserDisabled(id: string, disabled: boolean, actor: string): Promise<void> {
    const u = this.users.get(id);
    if (u === undefined) throw new AccessError('ACCESS_NOT_FOUND', `no user ${id}`);
    if (u.disabled === disabled) return;
    await this.change(
      { type: 'access.directory.change', actor, subject: id, data: { disabled } },
      'user',
      async (t) => {
        await t
          .updateTable('users')
          .set({ disabled: disabled ? 1 : 0 })
          .where('id', '=', id)
          .execute();
      },
      () => this.users.set(id, { ...u, disabled }),
    );
  }

  /** Replace a user's groups (e.g. make them an approver); the epoch moves, sessions re-check. */
  async setUserGroups(id: string, raw: string[], actor: string): Promise<User> {
    const u = this.users.get(id);
    if (u === undefined) throw new AccessError('ACCESS_NOT_FOUND', `no user ${id}`);
    const groups = [...new Set(parse(z.array(idSchema).max(64), raw, 'user.groups'))];
    for (const g of groups)
      if (!this.named.groups.has(g)) throw new AccessError('ACCESS_NOT_FOUND', `user.groups: no group ${g}`);
    const next: User = { ...u, groups };
    await this.change(
      { type: 'access.directory.change', actor, subject: id, data: { groups, was: u.groups } },
      'user',
      async (t) => {
        await t.deleteFrom('user_groups').where('user_id', '=', id).execute();
        for (const g of groups)
          await t.insertInto('user_groups').values({ user_id: id, group_id: g }).execute();
      },
      () => this.users.set(id, next),
    );
    return next;
  }

  async addDevice(raw: { id: string; user: string; name: string }, actor: string): Promise<Device> {
    const v = parse(deviceInput, raw, 'device');
    if (this.devices.has(v.id)) throw new AccessError('ACCESS_CONFLICT', `device ${v.id} already exists`);
    if (!this.users.has(v.user)) throw new AccessError('ACCESS_NOT_FOUND', `device.user: no user ${v.user}`);
    const device: Device = { id: v.id, user: v.user, name: v.name };
    await this.change(
      { type: 'access.directory.change', actor, subject: v.id, data: { add: 'device', user: v.user } },
      'directory',
      async (t) => {
        await t
          .insertInto('devices')
          .values({ id: v.id, user_id: v.user, name: v.name, created_at: this.clock() })
          .execute();
      },
      () => this.devices.set(device.id, device),
    );
    return device;
  }

  async addAsset(raw: AssetInput, actor: string): Promise<Asset> {
    const v = parse(assetInput, raw, 'asset');
    if (this.assets.has(v.id)) throw new AccessError('ACCESS_CONFLICT', `asset ${v.id} already exists`);
    if (v.zone !== undefined && !this.named.zones.has(v.zone))
      throw new AccessError('ACCESS_NOT_FOUND', `asset.zone: no zone ${v.zone}`);
    for (const g of v.groups)
      if (!this.named.asset_groups.has(g))
        throw new AccessError('ACCESS_NOT_FOUND', `asset.groups: no asset group ${g}`);
    const asset: Asset = {
      id: v.id,
      name: v.name,
      host: v.host,
      port: v.port,
      protocol: v.protocol,
      ...(v.zone !== undefined ? { zone: v.zone } : {}),
      groups: [...new Set(v.groups)],
      isolated: false,
    };
    await this.change(
      {
        type: 'access.directory.change',
        actor,
        subject: v.id,
        data: { add: 'asset', protocol: v.protocol, zone: v.zone ?? null },
      },
      'asset',
      async (t) => {
        await t
          .insertInto('assets')
          .values({
            id: v.id,
            name: v.name,
            host: v.host,
            port: v.port,
            protocol: v.protocol,
            zone_id: v.zone ?? null,
            isolated: 0,
          })
          .execute();
        for (const g of asset.groups)
          await t.insertInto('asset_group_members').values({ group_id: g, asset_id: v.id }).execute();
      },
      () => this.assets.set(asset.id, asset),
    );
    return asset;
  }

  /** Isolation (a response playbook's containment step): every session to the asset is cut. */
  async setAssetIsolated(id: string, isolated: boolean, actor: string, reason = ''): Promise<void> {
    const a = this.assets.get(id);
    if (a === undefined) throw new AccessError('ACCESS_NOT_FOUND', `no asset ${id}`);
    if (a.isolated === isolated) return;
    await this.change(
      { type: 'access.asset.isolate', actor, subject: id, data: { isolated, reason } },
      'asset',
      async (t) => {
        await t
          .updateTable('assets')
          .set({ isolated: isolated ? 1 : 0 })
          .where('id', '=', id)
          .execute();
      },
      () => this.assets.set(id, { ...a, isolated }),
    );
  }

  /** Write and audit in one transaction, mirror in memory, then move the epoch. */
  private async change(
    event: AccessEventInput,
    cause: EpochCause,
    write: (t: Transaction<AccessDb>) => Promise<void>,
    mirror?: () => void,
  ): Promise<void> {
    const entry: AuditEntry = await this.db.transaction().execute(async (t) => {
      await write(t);
      return this.audit.append(event, t);
    });
    mirror?.();
    this.epoch.bump(cause);
    this.audit.published(entry);
  }
}

function parse<T extends z.ZodType>(schema: T, raw: unknown, what: string): z.output<T> {
  const r = schema.safeParse(raw);
  if (!r.success) throw new AccessError('ACCESS_VALIDATION', zodDetail(what, r.error));
  return r.data;
}
