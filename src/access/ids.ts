/** Identifiers of users, groups, suppliers, devices, zones and assets: short, printable, no spaces. */
import { z } from 'zod';

export const idSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._@:-]{0,127}$/, 'letters, digits and . _ @ : - only, at most 128');

export const nameSchema = z.string().trim().min(1).max(200);

/** The first zod issue as "field: message", for errors that name the place. */
export function zodDetail(what: string, error: z.ZodError): string {
  const i = error.issues[0];
  if (i === undefined) return `${what}: invalid`;
  const path = i.path.length > 0 ? `.${i.path.join('.')}` : '';
  return `${what}${path}: ${i.message}`;
}
