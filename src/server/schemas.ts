/**
 * Every shape the API takes or gives, as zod schemas: inputs are checked once here at the
 * edge, outputs are checked on the way out and described in the OpenAPI document. The output
 * schemas follow `src/store/types.ts` and `src/inventory/types.ts`; handlers returning those
 * types against these schemas is what keeps them in step (the type provider checks it).
 */
import { isIPv4, isIPv6 } from 'node:net';
import { z } from 'zod';
import type { OpKind } from '../events/types.js';
import type { Role } from '../inventory/types.js';
import type { AssetSort, UserRole } from '../store/types.js';

/** Every role, at run time. The check below fails to compile when `Role` gains a member. */
export const ROLES = [
  'plc',
  'rtu',
  'ied',
  'io-device',
  'pmu',
  'bms-controller',
  'hmi',
  'engineering-workstation',
  'scada-server',
  'historian',
  'opc-server',
  'switch',
  'router',
  'it-server',
  'it-host',
  'unknown',
] as const satisfies readonly Role[];
const OP_KINDS = [
  'read',
  'write',
  'program',
  'control',
  'diagnostic',
  'identify',
  'other',
] as const satisfies readonly OpKind[];
const SORTS = [
  'ip',
  'name',
  'role',
  'vendor',
  'model',
  'purdue',
  'first',
  'last',
] as const satisfies readonly AssetSort[];
export const USER_ROLES = ['admin', 'engineer', 'viewer'] as const satisfies readonly UserRole[];

type Exhaustive<All, Listed> = [Exclude<All, Listed>] extends [never] ? true : never;
const exhaustive: [
  Exhaustive<Role, (typeof ROLES)[number]>,
  Exhaustive<OpKind, (typeof OP_KINDS)[number]>,
  Exhaustive<AssetSort, (typeof SORTS)[number]>,
  Exhaustive<UserRole, (typeof USER_ROLES)[number]>,
] = [true, true, true, true];
void exhaustive;

// ---- inputs -------------------------------------------------------------------------------

/** Printable text of bounded length: no control characters (NUL, newlines, escapes). */
function text(max: number) {
  return z
    .string()
    .max(max)
    .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters');
}

const cidr = z
  .string()
  .max(64)
  .refine((s) => {
    const m = /^([^/]+)\/(\d{1,3})$/.exec(s);
    if (!m) return false;
    const bits = Number(m[2]);
    return isIPv4(m[1]!) ? bits <= 32 : isIPv6(m[1]!) ? bits <= 128 : false;
  }, 'must be an IPv4 or IPv6 network in CIDR form, e.g. 10.10.1.0/24');

const roleList = z
  .string()
  .max(400)
  .transform((s) => s.split(',').map((r) => r.trim()))
  .pipe(z.array(z.enum(ROLES)).min(1));

export const AssetFilterQuery = z.strictObject({
  role: roleList.optional().describe('comma-separated roles, e.g. plc,hmi'),
  vendor: text(200).optional(),
  protocol: z
    .string()
    .regex(/^[\w./-]{1,64}$/, 'must be a protocol name such as modbus or tcp/502')
    .optional(),
  subnet: cidr.optional(),
  q: text(200).optional().describe('case-insensitive search over addresses, names and identity'),
  sort: z.enum(SORTS).optional(),
  order: z.enum(['asc', 'desc']).optional(),
});

export const AssetListQuery = AssetFilterQuery.extend({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0),
});

export const AssetIdParams = z.strictObject({
  id: text(256).min(1).describe('asset id, e.g. ip:10.10.1.20 or mac:00:80:f4:12:34:01'),
});

export const PeerQuery = z.strictObject({ peer: text(256).min(1).optional() });

export const UserName = z
  .string()
  .regex(
    /^[A-Za-z0-9][\w.@-]{0,63}$/,
    'must be 1–64 letters, digits, . _ @ or -, starting with a letter or digit',
  );
export const NewPassword = z
  .string()
  .min(10, 'must be at least 10 characters')
  .max(1024, 'must be at most 1024 characters');

export const LoginBody = z.strictObject({
  name: z.string().min(1).max(64),
  password: z.string().min(1).max(1024),
});

export const PasswordChangeBody = z.strictObject({
  current: z.string().min(1).max(1024).describe('your password now'),
  next: NewPassword.describe('the new password'),
});

export const SetupBody = z.strictObject({
  token: z.string().min(1).max(128),
  name: UserName,
  password: NewPassword,
});

export const NewUserBody = z.strictObject({
  name: UserName,
  password: NewPassword,
  role: z.enum(USER_ROLES),
});

export const CaptureIdParams = z.strictObject({ id: z.uuid() });

// ---- outputs ------------------------------------------------------------------------------

const purdue = z.union([z.literal([0, 1, 2, 3, 4]), z.null()]);
const opCounts = z.partialRecord(z.enum(OP_KINDS), z.number());
const role = z.enum(ROLES);

export const Problem = z.object({
  type: z.literal('about:blank'),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  code: z.string(),
});

export const Health = z.object({
  ok: z.literal(true),
  version: z.string(),
  dialect: z.enum(['sqlite', 'postgres']),
});

export const PublicUser = z.object({ id: z.string(), name: z.string(), role: z.enum(USER_ROLES) });
export const UserEntry = PublicUser.extend({ disabled: z.boolean(), created: z.number() });
export const SessionAnswer = z.object({ user: PublicUser, csrf: z.string() });

export const AssetRow = z.object({
  id: z.string(),
  ips: z.array(z.string()),
  macs: z.array(z.string()),
  names: z.array(z.string()),
  vendor: z.string().optional(),
  model: z.string().optional(),
  firmware: z.string().optional(),
  serial: z.string().optional(),
  role,
  roleConfidence: z.number(),
  purdue,
  protocols: z.array(z.string()),
  peers: z.number().int(),
  first: z.number(),
  last: z.number(),
});

export const AssetPage = z.object({
  items: z.array(AssetRow),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
});

export const Asset = z.object({
  id: z.string(),
  ips: z.array(z.string()),
  macs: z.array(z.string()),
  names: z.array(z.string()),
  vendor: z.string().optional(),
  model: z.string().optional(),
  firmware: z.string().optional(),
  serial: z.string().optional(),
  role: z.object({ role, confidence: z.number(), reasons: z.array(z.string()) }),
  purdue: z.object({ level: purdue, reasons: z.array(z.string()) }),
  protocols: z.array(
    z.object({
      name: z.string(),
      ports: z.array(z.number().int()),
      server: z.boolean(),
      client: z.boolean(),
      first: z.number(),
      last: z.number(),
    }),
  ),
  peers: z.array(
    z.object({
      asset: z.string(),
      name: z.string(),
      as: z.enum(['client', 'server', 'both']),
      protocols: z.array(z.string()),
      packets: z.number(),
      bytes: z.number(),
      opsSent: opCounts,
      opsReceived: opCounts,
      codes: z.array(z.string()),
    }),
  ),
  facts: z.array(
    z.object({
      key: z.string(),
      value: z.string(),
      evidence: z.object({
        protocol: z.string(),
        source: z.string(),
        first: z.number(),
        last: z.number(),
        frame: z.number().int().optional(),
        count: z.number().int(),
      }),
    }),
  ),
  first: z.number(),
  last: z.number(),
});

const pair = z.tuple([z.number(), z.number()]);

export const FlowRow = z.object({
  client: z.string(),
  server: z.string(),
  transport: z.string(),
  app: z.string().optional(),
  serverPort: z.number().int().optional(),
  flows: z.number().int(),
  packets: pair,
  bytes: pair,
  first: z.number(),
  last: z.number(),
});

export const OpRow = z.object({
  client: z.string(),
  server: z.string(),
  protocol: z.string(),
  op: z.enum(OP_KINDS),
  code: z.string(),
  target: z.string().optional(),
  count: z.number().int(),
  failed: z.number().int(),
  first: z.number(),
  last: z.number(),
});

export const Graph = z.object({
  nodes: z.array(
    z.object({ id: z.string(), label: z.string(), role, purdue, vendor: z.string().optional() }),
  ),
  edges: z.array(
    z.object({
      source: z.string(),
      target: z.string(),
      protocols: z.array(z.string()),
      ops: opCounts,
      packets: z.number(),
      bytes: z.number(),
    }),
  ),
});

export const Stats = z.object({
  assets: z.number().int(),
  byRole: z.partialRecord(role, z.number().int()),
  byVendor: z.array(z.object({ vendor: z.string(), assets: z.number().int() })),
  byPurdue: z.array(z.object({ level: purdue, assets: z.number().int() })),
  protocols: z.array(z.object({ name: z.string(), assets: z.number().int(), flows: z.number().int() })),
  newest: z.array(AssetRow),
});

export const CaptureJob = z.object({
  id: z.string(),
  name: z.string(),
  state: z.enum(['running', 'done', 'failed']),
  bytes: z.number().int(),
  packets: z.number().int(),
  events: z.number().int(),
  error: z.string().optional(),
  newAssets: z.array(z.string()).optional(),
  assets: z.number().int().optional(),
});

export const Accepted = z.object({ id: z.string() });

/** A 204 answer's body. */
export const NoContent = z.null().describe('no content');

/** A body that must be an empty object (a POST that takes no input). */
export const Empty = z.strictObject({});

export function items<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item) });
}

// Named in the OpenAPI document's components instead of repeated in every route.
for (const [id, schema] of Object.entries({
  Problem,
  PublicUser,
  UserEntry,
  AssetRow,
  Asset,
  FlowRow,
  OpRow,
  Graph,
  Stats,
  CaptureJob,
})) {
  z.globalRegistry.add(schema, { id });
}
