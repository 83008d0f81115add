/** Console accounts, for administrators. */
import type { User } from '../../store/types.js';
import { type Hub, type HubContext, problems } from '../context.js';
import { HubError } from '../errors.js';
import { hashPassword } from '../password.js';
import { items, NewUserBody, UserEntry } from '../schemas.js';

function entry(u: User) {
  return { id: u.id, name: u.name, role: u.role, disabled: u.disabled, created: u.created };
}

export function userRoutes(app: Hub, { store }: HubContext): void {
  app.get(
    '/api/users',
    {
      config: { access: 'admin' },
      schema: { summary: 'Console accounts', response: { 200: items(UserEntry), ...problems } },
    },
    async () => ({ items: (await store.listUsers()).map(entry) }),
  );

  app.post(
    '/api/users',
    {
      // A new administrator is what a stolen session would make first.
      config: { access: 'admin', stepUp: true },
      schema: {
        summary: 'Create a console account',
        body: NewUserBody,
        response: { 201: UserEntry, ...problems },
      },
    },
    async (req, reply) => {
      const { name, password, role } = req.body;
      if (await store.userByName(name))
        throw new HubError('LG_CONFLICT', `name: a user named ${name} exists already`);
      const user = await store.createUser({ name, role, passwordHash: await hashPassword(password) });
      return reply.code(201).send(entry(user));
    },
  );
}
