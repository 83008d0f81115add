/** Liveness and the OpenAPI document: the two routes anyone may read. */
import { type Hub, type HubContext, problems } from '../context.js';
import { Health } from '../schemas.js';

export function metaRoutes(app: Hub, { store, version }: HubContext): void {
  app.get(
    '/api/health',
    {
      config: { access: 'public' },
      schema: { summary: 'Liveness, version and database kind', response: { 200: Health, ...problems } },
    },
    () => ({ ok: true as const, version, dialect: store.dialect }),
  );

  app.get('/api/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, () => app.swagger());
}
