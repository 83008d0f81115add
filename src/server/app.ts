/**
 * The hub's HTTP server: Fastify with zod-checked inputs and outputs, an OpenAPI document,
 * cookie sessions with CSRF tokens, rate-limited sign-in, streamed capture uploads and the
 * web console. One error catalogue answers every failure as problem+json.
 */
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyMultipart from '@fastify/multipart';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyError, type FastifyReply, type FastifyServerOptions } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { AccessError } from '../access/errors.js';
import { StoreError } from '../store/errors.js';
import type { Store } from '../store/types.js';
import { CSRF_HEADER, registerAccess } from './access.js';
import { fromAccessError, type HubAccess } from './access-gateway.js';
import { CaptureJobs } from './captures.js';
import { DEFAULT_WEB_ROOT, registerConsole } from './console.js';
import type { Hub, HubContext } from './context.js';
import { type ErrorCode, HubError, problem } from './errors.js';
import { accessRoutes } from './routes/access.js';
import { authRoutes } from './routes/auth.js';
import { captureRoutes } from './routes/captures.js';
import { inventoryRoutes } from './routes/inventory.js';
import { metaRoutes } from './routes/meta.js';
import { userRoutes } from './routes/users.js';
import { DEFAULT_SESSION_POLICY, SESSION_COOKIE, type SessionPolicy, Sessions } from './sessions.js';
import type { SetupToken } from './setup-token.js';
import { DEFAULT_THROTTLE, NameThrottle, type ThrottlePolicy } from './throttle.js';

export const DEFAULT_MAX_UPLOAD = 512 * 2 ** 20;
/** JSON bodies are small (sign-in, a new user): anything bigger is refused unread. */
const JSON_BODY_LIMIT = 64 * 1024;

export interface HubOptions {
  store: Store;
  version: string;
  /** Capture upload limit, bytes. */
  maxUploadBytes?: number;
  /** The console build; `dist/web` of this installation by default. */
  webRoot?: string;
  /** The one-time token for creating the first administrator (only while no user exists). */
  setup?: SetupToken;
  sessions?: SessionPolicy;
  throttle?: ThrottlePolicy;
  /** Sign-in attempts per client address per minute. */
  loginPerMinute?: number;
  logger?: FastifyServerOptions['logger'];
  /** How long closing waits for uploads still arriving before it cuts them off, ms. */
  shutdownGraceMs?: number;
  /** The access gateway this hub serves (its API, console pages and security-key sign-in). */
  access?: HubAccess;
  /**
   * Reverse proxies (addresses or CIDR ranges) whose X-Forwarded-For and X-Forwarded-Proto are
   * believed: the client address for rate limits and audit, https for Secure cookies. From
   * anyone else those headers are ignored, so a client cannot pick its own address.
   */
  trustProxy?: string[];
}

export async function buildHub(opts: HubOptions): Promise<Hub> {
  const app = Fastify({
    logger: opts.logger ?? false,
    ...(opts.trustProxy && opts.trustProxy.length > 0 ? { trustProxy: opts.trustProxy } : {}),
    bodyLimit: JSON_BODY_LIMIT,
    routerOptions: { maxParamLength: 512 },
  }).withTypeProvider<ZodTypeProvider>();
  // JSON and multipart only: a text body would reach a JSON route's validation as a string.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  const ctx: HubContext = {
    store: opts.store,
    sessions: new Sessions(opts.store, opts.sessions ?? DEFAULT_SESSION_POLICY),
    jobs: new CaptureJobs(opts.store, opts.maxUploadBytes ?? DEFAULT_MAX_UPLOAD),
    throttle: new NameThrottle(opts.throttle ?? DEFAULT_THROTTLE),
    setup: opts.setup,
    version: opts.version,
    loginPerMinute: opts.loginPerMinute ?? 10,
    access: opts.access,
  };

  app.setErrorHandler((err: FastifyError, req, reply) => {
    const [code, detail] = classify(err);
    if (code === 'LG_INTERNAL' || code === 'LG_UNAVAILABLE') req.log.error({ err }, 'request failed');
    return sendProblem(reply, code, detail);
  });
  app.setNotFoundHandler((req, reply) =>
    sendProblem(reply, 'LG_NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`),
  );

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Lineguard hub API',
        version: opts.version,
        description: `Every route but sign-in, setup, health and this document needs the session cookie ${SESSION_COOKIE}; unsafe methods also need the header ${CSRF_HEADER}. Errors are application/problem+json.`,
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          csrf: { type: 'apiKey', in: 'header', name: CSRF_HEADER },
        },
      },
      security: [{ session: [], csrf: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifyCookie);
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
  });
  await app.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: (_req, c) =>
      new HubError('LG_RATE_LIMITED', `too many sign-in attempts from this address; try again in ${c.after}`),
  });
  await app.register(fastifyMultipart, {
    limits: { fileSize: ctx.jobs.maxBytes, files: 1, fields: 0, parts: 1, headerPairs: 100 },
  });
  registerAccess(app, ctx.sessions);
  // API answers (the CSRF token, a secret shown once, audit entries, recordings) stay out of
  // every cache, the browser's disk included.
  app.addHook('onSend', async (req, reply) => {
    if (req.url.startsWith('/api/') && !reply.hasHeader('cache-control'))
      reply.header('cache-control', 'no-store');
  });

  metaRoutes(app, ctx);
  authRoutes(app, ctx);
  userRoutes(app, ctx);
  inventoryRoutes(app, ctx);
  captureRoutes(app, ctx);
  if (opts.access) accessRoutes(app, ctx, opts.access);
  await registerConsole(app, opts.webRoot ?? DEFAULT_WEB_ROOT);

  // Closing lets uploads in progress finish (for a while), so none is cut off half-ingested.
  app.addHook('onClose', async () => {
    await ctx.jobs.settle(opts.shutdownGraceMs ?? 30_000);
  });
  return app;
}

function sendProblem(reply: FastifyReply, code: ErrorCode, detail: string): FastifyReply {
  const body = problem(code, detail);
  return reply.code(body.status).type('application/problem+json').send(body);
}

/** Any error, as a catalogue code and a message that names the field or place. */
function classify(err: FastifyError): [ErrorCode, string] {
  if (err instanceof HubError) return [err.code, err.detail];
  if (err instanceof AccessError) return fromAccessError(err);
  if (err instanceof StoreError) {
    if (err.code === 'invalid') return ['LG_VALIDATION', `${err.field}: ${err.message}`];
    if (err.code === 'conflict') return ['LG_CONFLICT', `${err.field}: ${err.message}`];
    return ['LG_UNAVAILABLE', 'the database is unavailable: the hub log has the details'];
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = err.validationContext ?? 'request';
    const issues = err.validation.slice(0, 5).map((v) => {
      const path = v.instancePath.replace(/^\//, '').replaceAll('/', '.');
      return `${where}${path ? `.${path}` : ''}: ${v.message}`;
    });
    return ['LG_VALIDATION', issues.join('; ')];
  }
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return ['LG_BAD_JSON', `body: not valid JSON (${err.message})`];
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return ['LG_BAD_JSON', 'body: empty, but the content type says JSON'];
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return ['LG_TOO_LARGE', `body: larger than ${JSON_BODY_LIMIT} bytes`];
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return ['LG_MEDIA_TYPE', 'content-type: this route takes application/json'];
  }
  if (err instanceof SyntaxError) return ['LG_BAD_JSON', `body: not valid JSON (${err.message})`];
  const status = err.statusCode ?? 500;
  if (status === 413) return ['LG_TOO_LARGE', err.message];
  if (status === 415 || status === 406) return ['LG_MEDIA_TYPE', err.message];
  if (status === 429) return ['LG_RATE_LIMITED', err.message];
  if (status === 404) return ['LG_NOT_FOUND', err.message];
  if (status >= 400 && status < 500) return ['LG_VALIDATION', err.message];
  return ['LG_INTERNAL', 'internal error: the hub log has the details'];
}
