/**
 * What the access API takes, as zod schemas: checked once at the edge (the gateway checks its
 * own rules again). What it answers is in `access-answers.ts`.
 */
import { z } from 'zod';
import { ACCESS_EVENT_TYPES } from '../access/events.js';
import { GRANT_STATUSES } from '../access/grants/statuses.js';
import { idSchema } from '../access/ids.js';
import { isAction } from '../access/policy/actions.js';
import { USER_ROLES, UserName } from './schemas.js';

// ---- inputs -------------------------------------------------------------------------------

/** One line of printable text: no control characters. */
function line(max: number) {
  return z
    .string()
    .trim()
    .min(1)
    .max(max)
    .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters');
}

const AccessId = idSchema;
const base64url = z
  .string()
  .min(1)
  .max(16_384)
  .regex(/^[\w-]*$/, 'must be base64url');
const transports = z.array(z.enum(['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb'])).max(8);

/** What @simplewebauthn/browser hands back from a registration. */
export const RegistrationResponse = z.strictObject({
  id: base64url,
  rawId: base64url,
  type: z.literal('public-key'),
  response: z.looseObject({
    clientDataJSON: base64url,
    attestationObject: base64url,
    transports: transports.optional(),
  }),
  clientExtensionResults: z.looseObject({}),
  authenticatorAttachment: z.enum(['cross-platform', 'platform']).optional(),
});

/** What @simplewebauthn/browser hands back from a login. */
export const AuthenticationResponse = z.strictObject({
  id: base64url,
  rawId: base64url,
  type: z.literal('public-key'),
  response: z.looseObject({
    clientDataJSON: base64url,
    authenticatorData: base64url,
    signature: base64url,
    userHandle: base64url.optional(),
  }),
  clientExtensionResults: z.looseObject({}),
  authenticatorAttachment: z.enum(['cross-platform', 'platform']).optional(),
});

const ceremony = z.string().regex(/^[\w-]{1,64}$/, 'must be the ceremony id the start step gave');

export const KeyLoginFinishBody = z.strictObject({ ceremony, response: AuthenticationResponse });
export const KeyRegisterFinishBody = z.strictObject({
  ceremony,
  response: RegistrationResponse,
  name: line(100).describe('what the owner calls this key, e.g. "YubiKey on my keyring"'),
});

/** A six-digit authenticator code (RFC 6238 as authenticator apps show it). */
const totpCode = z.string().regex(/^\d{6}$/, 'must be the six digits the authenticator app shows');

export const CodeLoginBody = z.strictObject({
  step: z.string().regex(/^[\w-]{1,64}$/, 'must be the codeStep the password sign-in gave'),
  code: totpCode,
});
export const TotpConfirmBody = z.strictObject({ code: totpCode });
export const TotpStartBody = z.strictObject({
  password: z
    .string()
    .min(1)
    .max(1024)
    .optional()
    .describe('your password: asked of someone without a security key'),
});

export const IdParams = z.strictObject({ id: AccessId });
/** A security key's credential id (base64url, as WebAuthn gives it; at most 1023 bytes). */
export const KeyIdParams = z.strictObject({ id: base64url.max(1400) });
export const SessionIdParams = z.strictObject({ id: z.string().min(1).max(128) });

export const NewAccessUserBody = z
  .strictObject({
    id: UserName.describe('the user name: the gateway user and the console account share it'),
    name: line(200).describe('display name'),
    kind: z.enum(['employee', 'supplier']),
    supplier: AccessId.optional(),
    groups: z.array(AccessId).max(64).default([]),
    console: z
      .strictObject({
        role: z.enum(USER_ROLES),
        password: z
          .string()
          .min(10, 'must be at least 10 characters')
          .max(1024, 'must be at most 1024 characters'),
      })
      .optional()
      .describe('also a console account with this role and password'),
  })
  .refine((v) => (v.kind === 'supplier') === (v.supplier !== undefined), {
    message: 'a supplier user names its supplier; an employee names none',
    path: ['supplier'],
  });

export const DisableBody = z.strictObject({ disabled: z.boolean() });
export const GroupsBody = z.strictObject({ groups: z.array(AccessId).max(64) });
export const NamedBody = z.strictObject({ id: AccessId, name: line(200) });

export const NewAssetBody = z.strictObject({
  id: AccessId,
  name: line(200),
  host: z
    .string()
    .min(1)
    .max(253)
    .regex(/^[\w.:-]+$/, 'must be a host name or an IP address'),
  port: z.number().int().min(1).max(65535),
  protocol: z.enum(['modbus', 's7', 'enip', 'tcp']),
  zone: AccessId.optional(),
  groups: z.array(AccessId).max(64).default([]),
});

export const CertificateBody = z.strictObject({
  device: AccessId.describe('your device; added to your devices the first time'),
  csr: z
    .string()
    .max(16 * 1024, 'a certificate request is at most 16 KiB')
    .regex(/-----BEGIN CERTIFICATE REQUEST-----/, 'must be a PEM certificate request (PKCS#10)'),
});

export const PolicyBody = z.strictObject({
  text: z.string().max(256 * 1024, 'a policy document is at most 256 KiB'),
});

const when = z.number().int().nonnegative().max(8.64e15);

export const GrantRequestBody = z
  .strictObject({
    assets: z.array(AccessId).max(256).default([]),
    zone: AccessId.optional(),
    actions: z
      .array(z.string().max(32))
      .min(1)
      .max(64)
      .refine((xs) => xs.every(isAction), 'each action is connect or an operation such as modbus:read'),
    startsAt: when.describe('ms since the epoch'),
    endsAt: when.describe('ms since the epoch'),
    reason: line(1000),
  })
  .refine((v) => v.assets.length > 0 !== (v.zone !== undefined), {
    message: 'name either assets or a zone',
    path: ['assets'],
  });

export const GrantStatusQuery = z.strictObject({
  status: z.enum(GRANT_STATUSES).optional(),
  before: AccessId.optional().describe('grants older than this one (the last of the previous page)'),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
export const NoteBody = z.strictObject({ note: z.string().max(1000).default('') });
export const ExtendBody = z.strictObject({ endsAt: when });
export const RevokeBody = z.strictObject({ reason: z.string().max(1000).default('') });

export const RecordingQuery = z.strictObject({
  user: AccessId.optional(),
  asset: AccessId.optional(),
  before: z
    .string()
    .min(1)
    .max(128)
    .optional()
    .describe('sessions older than this one (the last of the previous page)'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const RecordingPageQuery = z.strictObject({
  after: z.coerce.number().int().min(0).default(0).describe('rows after this sequence number'),
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
});

export const AuditQuery = z.strictObject({
  before: z.coerce.number().int().min(1).optional().describe('entries before this sequence number'),
  type: z.enum(ACCESS_EVENT_TYPES).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
export const AuditExportQuery = z.strictObject({ format: z.enum(['jsonl', 'cef']).default('jsonl') });

export * from './access-answers.js';
