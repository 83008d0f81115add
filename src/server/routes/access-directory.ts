/**
 * The access directory over HTTP: users (the gateway record and the console account of each
 * name), suppliers, groups, zones and assets. Changes are for administrators; what a grant
 * request needs to name (assets, zones) any signed-in user may read.
 */
import type { NamedTable } from '../../access/db/schema.js';
import { resetFactors } from '../../access/factors.js';
import { signedIn } from '../access.js';
import { type HubAccess, webauthnOf } from '../access-gateway.js';
import {
  AccessAsset,
  AccessUserEntry,
  DisableBody,
  FactorsReset,
  GroupsBody,
  IdParams,
  Named,
  NamedBody,
  NewAccessUserBody,
  NewAssetBody,
  SecurityKey,
} from '../access-schemas.js';
import { type Hub, type HubContext, problems } from '../context.js';
import { HubError } from '../errors.js';
import type { KeyLogins } from '../key-logins.js';
import { hashPassword } from '../password.js';
import { Empty, items } from '../schemas.js';

type NamedKind = 'suppliers' | 'groups' | 'zones';

export function accessDirectoryRoutes(
  app: Hub,
  { store }: HubContext,
  access: HubAccess,
  keyLogins: KeyLogins,
): void {
  const gw = access.gateway;
  const d = gw.directory;

  const entries = async () => {
    const consoleUsers = new Map((await store.listUsers()).map((u) => [u.name, u]));
    const names = [...new Set([...consoleUsers.keys(), ...d.listUsers().map((u) => u.id)])].sort();
    return Promise.all(
      names.map(async (name) => {
        const c = consoleUsers.get(name);
        const identity = d.user(name);
        return {
          name,
          console: c ? { role: c.role, disabled: c.disabled } : null,
          identity: identity ?? null,
          keys: identity && gw.webauthn ? (await gw.webauthn.keys(name)).length : 0,
          authenticator: identity ? (await gw.totp.status(name)).enrolled : false,
        };
      }),
    );
  };

  app.get(
    '/api/access/users',
    {
      config: { access: 'admin' },
      schema: {
        summary: 'People: each name with its console account and gateway record',
        response: { 200: items(AccessUserEntry), ...problems },
      },
    },
    async () => ({ items: await entries() }),
  );

  app.post(
    '/api/access/users',
    {
      config: { access: 'admin', stepUp: true },
      schema: {
        summary: 'Add a person to the gateway (and, optionally, a console account of the same name)',
        body: NewAccessUserBody,
        response: { 201: AccessUserEntry, ...problems },
      },
    },
    async (req, reply) => {
      const { user: admin } = signedIn(req);
      const { id, name, kind, supplier, groups, console } = req.body;
      if (d.user(id)) throw new HubError('LG_CONFLICT', `id: the gateway has a user ${id} already`);
      // Everything is checked before the first write, so a refused request leaves nothing behind.
      if (console && (await store.userByName(id)))
        throw new HubError('LG_CONFLICT', `id: a console account ${id} exists already`);
      const passwordHash = console ? await hashPassword(console.password) : undefined;
      const identity = await d.addUser(
        { id, name, kind, ...(supplier !== undefined ? { supplier } : {}), groups },
        admin.name,
      );
      const account =
        console && passwordHash
          ? await store.createUser({ name: id, role: console.role, passwordHash })
          : await store.userByName(id);
      return reply.code(201).send({
        name: id,
        console: account ? { role: account.role, disabled: account.disabled } : null,
        identity,
        keys: 0,
        authenticator: false,
      });
    },
  );

  app.post(
    '/api/access/users/:id/disabled',
    {
      config: { access: 'admin', stepUp: true },
      schema: {
        summary: 'Disable or re-enable a person: live gateway sessions and console sessions end at once',
        params: IdParams,
        body: DisableBody,
        response: { 200: AccessUserEntry, ...problems },
      },
    },
    async (req) => {
      const { user: admin } = signedIn(req);
      const { id } = req.params;
      if (id === admin.name && req.body.disabled)
        throw new HubError('LG_VALIDATION', 'id: you cannot disable yourself');
      await d.setUserDisabled(id, req.body.disabled, admin.name);
      const account = await store.userByName(id);
      if (account && req.body.disabled) await store.deleteUserSessions(account.id);
      const entry = (await entries()).find((e) => e.name === id);
      if (!entry) throw new HubError('LG_NOT_FOUND', `no user ${id}`);
      return entry;
    },
  );

  app.put(
    '/api/access/users/:id/groups',
    {
      config: { access: 'admin', stepUp: true },
      schema: {
        summary: "Replace a person's groups (e.g. make them an approver)",
        params: IdParams,
        body: GroupsBody,
        response: { 200: AccessUserEntry, ...problems },
      },
    },
    async (req) => {
      const { id } = req.params;
      await d.setUserGroups(id, req.body.groups, signedIn(req).user.name);
      const entry = (await entries()).find((e) => e.name === id);
      if (!entry) throw new HubError('LG_NOT_FOUND', `no user ${id}`);
      return entry;
    },
  );

  app.get(
    '/api/access/users/:id/keys',
    {
      config: { access: 'admin' },
      schema: {
        summary: "A person's security keys",
        params: IdParams,
        response: { 200: items(SecurityKey), ...problems },
      },
    },
    async (req) => ({ items: await webauthnOf(access).keys(req.params.id) }),
  );

  app.post(
    '/api/access/users/:id/factors/reset',
    {
      config: { access: 'admin', stepUp: true },
      schema: {
        summary:
          "Reset a person's second factors (a lost key or phone): every security key and the authenticator app removed, their console sessions ended",
        params: IdParams,
        body: Empty,
        response: { 200: FactorsReset, ...problems },
      },
    },
    async (req) => {
      const { user: admin, session } = signedIn(req);
      const { id } = req.params;
      if (d.user(id) === undefined) throw new HubError('LG_NOT_FOUND', `no user ${id}`);
      const { keys, authenticator } = await resetFactors(gw.db, gw.audit, id, admin.name);
      keyLogins.forget(new Set(keys.map((k) => k.id)));
      const account = await store.userByName(id);
      if (account) await store.deleteUserSessions(account.id, id === admin.name ? session.id : undefined);
      return { keys: keys.length, authenticator };
    },
  );

  const named = (
    kind: NamedKind,
    what: string,
    read: 'session' | 'admin',
    add: (v: NamedTable, actor: string) => Promise<void>,
  ) => {
    app.get(
      `/api/access/${kind}`,
      {
        config: { access: read },
        schema: { summary: `Every ${what}`, response: { 200: items(Named), ...problems } },
      },
      async () => ({ items: await gw.db.selectFrom(kind).selectAll().orderBy('id').execute() }),
    );
    app.post(
      `/api/access/${kind}`,
      {
        config: { access: 'admin', stepUp: true },
        schema: { summary: `Add a ${what}`, body: NamedBody, response: { 201: Named, ...problems } },
      },
      async (req, reply) => {
        await add(req.body, signedIn(req).user.name);
        return reply.code(201).send(req.body);
      },
    );
  };
  named('suppliers', 'supplier', 'session', (v, a) => d.addSupplier(v, a));
  named('groups', 'group', 'admin', (v, a) => d.addGroup(v, a));
  named('zones', 'zone', 'session', (v, a) => d.addZone(v, a));

  app.get(
    '/api/access/assets',
    {
      config: { access: 'session' },
      schema: { summary: 'Assets behind the gateway', response: { 200: items(AccessAsset), ...problems } },
    },
    async () => ({ items: d.listAssets().sort((a, b) => a.id.localeCompare(b.id)) }),
  );

  app.post(
    '/api/access/assets',
    {
      config: { access: 'admin', stepUp: true },
      schema: {
        summary: 'Put an asset behind the gateway',
        body: NewAssetBody,
        response: { 201: AccessAsset, ...problems },
      },
    },
    async (req, reply) => {
      const { zone, ...rest } = req.body;
      const asset = await d.addAsset(
        { ...rest, ...(zone !== undefined ? { zone } : {}) },
        signedIn(req).user.name,
      );
      return reply.code(201).send(asset);
    },
  );
}
