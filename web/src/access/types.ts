/** The access API's shapes, inferred from the server's own schemas so the console cannot drift from them. */
import type { z } from 'zod';
import type {
  AccessAsset as AccessAssetSchema,
  AccessMe as AccessMeSchema,
  AccessUserEntry as AccessUserEntrySchema,
  AuditEntry as AuditEntrySchema,
  AuditVerify as AuditVerifySchema,
  Grant as GrantSchema,
  IssuedCertificate as IssuedCertificateSchema,
  LiveSession as LiveSessionSchema,
  Named as NamedSchema,
  PolicyCheck as PolicyCheckSchema,
  PolicyVersion as PolicyVersionSchema,
  RecordingDetail as RecordingDetailSchema,
  Recording as RecordingSchema,
  SecurityKey as SecurityKeySchema,
} from '../../../src/server/access-answers.js';

export type AccessMe = z.output<typeof AccessMeSchema>;
export type AccessAsset = z.output<typeof AccessAssetSchema>;
export type AccessUserEntry = z.output<typeof AccessUserEntrySchema>;
export type AuditEntry = z.output<typeof AuditEntrySchema>;
export type AuditVerify = z.output<typeof AuditVerifySchema>;
export type Grant = z.output<typeof GrantSchema>;
export type IssuedCertificate = z.output<typeof IssuedCertificateSchema>;
export type LiveSession = z.output<typeof LiveSessionSchema>;
export type Named = z.output<typeof NamedSchema>;
export type PolicyCheck = z.output<typeof PolicyCheckSchema>;
export type PolicyVersion = z.output<typeof PolicyVersionSchema>;
export type Recording = z.output<typeof RecordingSchema>;
export type RecordingDetail = z.output<typeof RecordingDetailSchema>;
export type SecurityKey = z.output<typeof SecurityKeySchema>;
export type Items<T> = { items: T[] };
