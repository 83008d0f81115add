/** What the route modules share: the store and the hub's in-memory parts. */

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Store, User } from '../store/types.js';
import type { HubAccess } from './access-gateway.js';
import type { CaptureJobs } from './captures.js';
import { Problem } from './schemas.js';
import type { Sessions } from './sessions.js';
import type { SetupToken } from './setup-token.js';
import type { NameThrottle } from './throttle.js';

export type Hub = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

export interface HubContext {
  store: Store;
  sessions: Sessions;
  jobs: CaptureJobs;
  throttle: NameThrottle;
  /** Present while no user exists and the hub printed a setup token. */
  setup: SetupToken | undefined;
  version: string;
  /** Sign-in attempts per client address per minute (login and setup). */
  loginPerMinute: number;
  /** The access gateway, when this hub runs one. */
  access: HubAccess | undefined;
}

/** Error answers every route may give, for the OpenAPI document and the serializer. */
export const problems = { '4xx': Problem, '5xx': Problem } as const;

export function publicUser(u: User): { id: string; name: string; role: User['role'] } {
  return { id: u.id, name: u.name, role: u.role };
}
