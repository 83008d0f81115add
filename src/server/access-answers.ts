/**
 * What the access API answers, as zod schemas: checked on the way out and named in the OpenAPI
 * document. They follow the gateway's types (`src/access/**`), the type provider keeps the
 * handlers and these in step, and the console infers its types from them — so this module
 * imports nothing that needs Node.
 */
import { z } from 'zod';
import { GRANT_STATUSES } from '../access/grants/statuses.js';
import type { UserRole } from '../store/types.js';

/** The console roles; the line after fails to compile when `UserRole` gains one. */
const CONSOLE_ROLES = ['admin', 'engineer', 'viewer'] as const satisfies readonly UserRole[];
const everyRole: [Exclude<UserRole, (typeof CONSOLE_ROLES)[number]>] extends [never] ? true : never = true;
void everyRole;

export const SecurityKey = z.object({
  id: z.string(),
  user: z.string(),
  name: z.string(),
  deviceType: z.enum(['singleDevice', 'multiDevice']),
  backedUp: z.boolean(),
  attestation: z.string(),
  createdAt: z.number(),
  lastUsedAt: z.number().optional(),
});

export const IssuedCertificate = z.object({
  serial: z.string(),
  fingerprint: z.string(),
  user: z.string(),
  device: z.string(),
  notBefore: z.number(),
  notAfter: z.number(),
  pem: z.string().describe("the device's certificate, then the gateway CA's"),
});

export const CeremonyAnswer = z.object({
  ceremony: z.string(),
  options: z.record(z.string(), z.unknown()).describe('options for @simplewebauthn/browser'),
});

const codeStep = z
  .string()
  .describe('answer with an authenticator code instead, at /api/auth/code/finish (single use, 5 min)');

export const KeyRequired = CeremonyAnswer.extend({
  keyRequired: z.literal(true),
  codeStep: codeStep.optional().describe('present when the user also has an authenticator app'),
});

/** A password sign-in whose second factor is an authenticator app (no security key yet). */
export const CodeRequired = z.object({ codeRequired: z.literal(true), codeStep });

export const TotpStatus = z.object({
  allowed: z.boolean().describe('whether this hub allows authenticator codes (an opt-in fallback)'),
  enrolled: z.boolean(),
  confirmedAt: z.number().optional(),
  lastUsedAt: z.number().optional(),
});

export const TotpEnrolment = z.object({
  secret: z.string().describe('base32, shown once: type it into the app, or use the URI'),
  uri: z.string().describe('otpauth:// URI, for a QR code'),
});

const Identity = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['employee', 'supplier']),
  supplier: z.string().optional(),
  disabled: z.boolean(),
  groups: z.array(z.string()),
});

export const AccessMe = z.object({
  name: z.string(),
  identity: Identity.nullable().describe('the gateway record; null until the account first needs one'),
  approver: z.boolean(),
  role: z.enum(CONSOLE_ROLES).describe('your console role'),
  keys: z.array(SecurityKey),
  webauthn: z.boolean().describe('whether this hub offers security keys'),
  totp: TotpStatus.describe('your authenticator app (fallback, not phishing-resistant)'),
  keyWindowMinutes: z
    .number()
    .describe('how recent a key sign-in must be for a certificate, adding an app and step-up changes'),
});

export const AccessUserEntry = z.object({
  name: z.string(),
  console: z.object({ role: z.enum(CONSOLE_ROLES), disabled: z.boolean() }).nullable(),
  identity: Identity.nullable(),
  keys: z.number().int(),
  authenticator: z.boolean().describe('has an authenticator app (the opt-in fallback)'),
});

export const FactorsReset = z.object({
  keys: z.number().int().describe('security keys removed'),
  authenticator: z.boolean().describe('whether an authenticator app was removed'),
});

export const Named = z.object({ id: z.string(), name: z.string() });

export const AccessAsset = z.object({
  id: z.string(),
  name: z.string(),
  host: z.string(),
  port: z.number().int(),
  protocol: z.string(),
  zone: z.string().optional(),
  groups: z.array(z.string()),
  isolated: z.boolean(),
});

export const PolicyVersion = z.object({
  version: z.number().int(),
  text: z.string(),
  author: z.string(),
  createdAt: z.number(),
});

export const PolicyCheck = z.object({
  problems: z.array(z.object({ message: z.string(), policy: z.string().optional() })),
});

export const Grant = z.object({
  id: z.string(),
  requester: z.string(),
  assets: z.array(z.string()),
  zone: z.string().optional(),
  actions: z.array(z.string()),
  startsAt: z.number(),
  endsAt: z.number(),
  reason: z.string(),
  status: z.enum(GRANT_STATUSES),
  approver: z.string().optional(),
  decidedAt: z.number().optional(),
  note: z.string().optional(),
  createdAt: z.number(),
});

/** Who reached which asset how, and since when: the head of a live session and of a recording. */
const SessionHead = z.object({
  id: z.string(),
  protocol: z.string(),
  user: z.string(),
  device: z.string().optional(),
  asset: z.string(),
  source: z.string(),
  startedAt: z.number(),
});

export const LiveSession = SessionHead.extend({
  allowed: z.number().int(),
  denied: z.number().int(),
});

export const Recording = SessionHead.extend({
  endedAt: z.number().optional(),
  endReason: z.string().optional(),
});

export const RecordedOperation = z.object({
  seq: z.number().int(),
  ts: z.number(),
  action: z.string(),
  code: z.string(),
  target: z.string(),
  decision: z.enum(['allow', 'deny']),
  reasons: z.string(),
  result: z.string(),
});

export const RecordedChunk = z.object({
  seq: z.number().int(),
  ts: z.number(),
  dir: z.number().int().describe('0: client to asset, 1: asset to client'),
  size: z.number().int().describe('bytes (the export holds them)'),
});

export const RecordingTotals = z.object({
  operations: z.number().int(),
  chunks: z.number().int(),
  bytesToAsset: z.number().int(),
  bytesFromAsset: z.number().int(),
});

export const RecordingDetail = z.object({
  session: Recording,
  totals: RecordingTotals.describe('the whole recording, counted'),
  operations: z.array(RecordedOperation),
  chunks: z.array(RecordedChunk),
  next: z
    .number()
    .int()
    .nullable()
    .describe('when more rows follow this page: its last sequence number, to pass as `after`'),
});

export const AuditEntry = z.object({
  seq: z.number().int(),
  ts: z.number(),
  type: z.string(),
  actor: z.string(),
  subject: z.string(),
  data: z.record(z.string(), z.unknown()),
  prev: z.string(),
  hash: z.string(),
});

export const AuditVerify = z.union([
  z.object({ ok: z.literal(true), entries: z.number().int(), head: z.string() }),
  z.object({
    ok: z.literal(false),
    entries: z.number().int(),
    seq: z.number().int(),
    problem: z.string(),
    detail: z.string(),
  }),
]);

for (const [id, schema] of Object.entries({
  SecurityKey,
  AccessMe,
  AccessUserEntry,
  AccessAsset,
  PolicyVersion,
  Grant,
  LiveSession,
  Recording,
  RecordingDetail,
  AuditEntry,
})) {
  z.globalRegistry.add(schema, { id });
}
