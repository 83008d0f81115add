/** Console users and their sessions: the server's authentication state. */
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { StoreError } from './errors.js';
import type { Database, SessionTable, UserTable } from './schema.js';
import type { Session, User, UserRole } from './types.js';

/** User names are unique regardless of case (and of Unicode composition). */
function nameKey(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

function toUser(r: Selectable<UserTable>): User {
  return {
    id: r.id,
    name: r.name,
    role: r.role as UserRole,
    passwordHash: r.password_hash,
    disabled: r.disabled !== 0,
    created: r.created,
  };
}

function toSession(r: Selectable<SessionTable>): Session {
  return {
    id: r.id,
    userId: r.user_id,
    csrf: r.csrf,
    created: r.created,
    expires: r.expires,
    lastSeen: r.last_seen,
  };
}

/** SQLite's and PostgreSQL's ways of saying a unique constraint refused the row. */
function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}

export function users(db: Kysely<Database>) {
  return {
    async createUser(u: { name: string; role: UserRole; passwordHash: string }): Promise<User> {
      const row = {
        id: randomUUID(),
        name: u.name,
        name_key: nameKey(u.name),
        role: u.role,
        password_hash: u.passwordHash,
        disabled: 0,
        created: Date.now(),
      };
      try {
        await db.insertInto('users').values(row).execute();
      } catch (e) {
        if (isUniqueViolation(e))
          throw new StoreError('conflict', 'name', `a user named ${JSON.stringify(u.name)} already exists`);
        throw e;
      }
      return toUser(row);
    },
    async userByName(name: string): Promise<User | undefined> {
      const r = await db
        .selectFrom('users')
        .selectAll()
        .where('name_key', '=', nameKey(name))
        .executeTakeFirst();
      return r && toUser(r);
    },
    async userById(id: string): Promise<User | undefined> {
      const r = await db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
      return r && toUser(r);
    },
    async listUsers(): Promise<User[]> {
      const rows = await db.selectFrom('users').selectAll().orderBy('created').orderBy('name_key').execute();
      return rows.map(toUser);
    },
    async countUsers(): Promise<number> {
      const r = await db
        .selectFrom('users')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
    async createSession(s: Session): Promise<void> {
      await db
        .insertInto('sessions')
        .values({
          id: s.id,
          user_id: s.userId,
          csrf: s.csrf,
          created: s.created,
          expires: s.expires,
          last_seen: s.lastSeen,
        })
        .execute();
    },
    async session(id: string): Promise<Session | undefined> {
      const r = await db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
      return r && toSession(r);
    },
    async touchSession(id: string, lastSeen: number, expires: number): Promise<void> {
      await db.updateTable('sessions').set({ last_seen: lastSeen, expires }).where('id', '=', id).execute();
    },
    async setPassword(userId: string, passwordHash: string): Promise<void> {
      const r = await db
        .updateTable('users')
        .set({ password_hash: passwordHash })
        .where('id', '=', userId)
        .executeTakeFirst();
      if (r.numUpdatedRows !== 1n) throw new StoreError('invalid', 'user', `no user ${userId}`);
    },
    async deleteSession(id: string): Promise<void> {
      await db.deleteFrom('sessions').where('id', '=', id).execute();
    },
    async deleteUserSessions(userId: string, keep?: string): Promise<void> {
      let q = db.deleteFrom('sessions').where('user_id', '=', userId);
      if (keep !== undefined) q = q.where('id', '!=', keep);
      await q.execute();
    },
  };
}
