/**
 * Taking a person's second factors away: a lost security key, an authenticator app on a lost
 * phone, or all of them at once when an administrator (on the console, or on the hub's own
 * machine with `lineguard user reset-factors`) resets a locked-out person. Each removal is an
 * audit entry in the same transaction as the delete. Needs no CA and no WebAuthn set-up, so the
 * host command works on a stopped or locked gateway.
 */
import type { Kysely, Transaction } from 'kysely';
import type { AuditLog } from './audit/log.js';
import type { AccessDb } from './db/schema.js';
import { AccessError } from './errors.js';
import type { AuditEntry } from './events.js';
import { type SecurityKey, toKey } from './webauthn/service.js';

interface Removal {
  keys: SecurityKey[];
  authenticator: boolean;
  entries: AuditEntry[];
}

/** In `t`: removes `user`'s key `id`, or every key of theirs, each audited. */
async function removeKeysIn(
  t: Transaction<AccessDb>,
  audit: AuditLog,
  user: string,
  actor: string,
  id?: string,
): Promise<Removal> {
  let q = t.selectFrom('webauthn_credentials').selectAll().where('user_id', '=', user);
  if (id !== undefined) q = q.where('id', '=', id);
  const rows = await q.execute();
  if (id !== undefined && rows.length === 0)
    throw new AccessError('ACCESS_NOT_FOUND', `${user} has no security key ${id}`);
  const entries: AuditEntry[] = [];
  for (const r of rows) {
    await t.deleteFrom('webauthn_credentials').where('id', '=', r.id).execute();
    entries.push(
      await audit.append(
        { type: 'access.key.remove', actor, subject: r.id, data: { user, name: r.name } },
        t,
      ),
    );
  }
  return { keys: rows.map(toKey), authenticator: false, entries };
}

/** In `t`: removes `user`'s authenticator app, audited; the entry, or nothing when there is none. */
export async function removeAuthenticatorIn(
  t: Transaction<AccessDb>,
  audit: AuditLog,
  user: string,
  actor: string,
): Promise<AuditEntry | undefined> {
  const r = await t.deleteFrom('totp_factors').where('user_id', '=', user).executeTakeFirst();
  if (r.numDeletedRows !== 1n) return undefined;
  return audit.append({ type: 'access.totp.remove', actor, subject: user, data: {} }, t);
}

/** Removes `user`'s key `id` (or, without one, every key); returns the keys removed. */
export async function removeKeys(
  db: Kysely<AccessDb>,
  audit: AuditLog,
  user: string,
  actor: string,
  id?: string,
): Promise<SecurityKey[]> {
  const r = await db.transaction().execute((t) => removeKeysIn(t, audit, user, actor, id));
  for (const e of r.entries) audit.published(e);
  return r.keys;
}

/** Every key and the authenticator app of `user`, removed in one transaction. */
export async function resetFactors(
  db: Kysely<AccessDb>,
  audit: AuditLog,
  user: string,
  actor: string,
): Promise<{ keys: SecurityKey[]; authenticator: boolean }> {
  const r = await db.transaction().execute(async (t) => {
    const keys = await removeKeysIn(t, audit, user, actor);
    const app = await removeAuthenticatorIn(t, audit, user, actor);
    return {
      ...keys,
      authenticator: app !== undefined,
      entries: app ? [...keys.entries, app] : keys.entries,
    };
  });
  for (const e of r.entries) audit.published(e);
  return { keys: r.keys, authenticator: r.authenticator };
}
