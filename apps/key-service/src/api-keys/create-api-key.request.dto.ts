import ipaddr from 'ipaddr.js';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { idSchema, KEY_ACCESS, KEY_PERMISSIONS, MANAGEMENT_PERMISSIONS, PERMISSIONS, type KeyPermission } from '@sp/contracts';
import { nameSchema } from '../orgs/upsert-org.request.dto';

/** A CIDR (v4 or v6) or a bare address; returns a normalised CIDR or null when invalid. */
export function normaliseCidr(text: string): string | null {
  try {
    if (text.includes('/')) {
      const [addr, bits] = ipaddr.parseCIDR(text);
      return `${addr.toString()}/${bits}`;
    }
    const addr = ipaddr.parse(text);
    return `${addr.toString()}/${addr.kind() === 'ipv4' ? 32 : 128}`;
  } catch {
    return null;
  }
}

const cidr = z.string().transform((value, ctx) => {
  const normalised = normaliseCidr(value.trim());
  if (normalised === null) {
    ctx.addIssue({ code: 'custom', message: `"${value.slice(0, 60)}" is not a valid IPv4/IPv6 address or CIDR` });
    return z.NEVER;
  }
  return normalised;
});

const futureDate = z
  .string({ error: 'must be an ISO 8601 date-time string' })
  .refine((s) => z.iso.datetime({ offset: true }).safeParse(s).success, 'must be an ISO 8601 date-time (e.g. 2030-01-01T00:00:00Z)')
  .transform((s) => new Date(s))
  .refine((d) => d.getTime() > Date.now(), 'must be in the future')
  .transform((d) => d.toISOString());

/** One permission name a key may be narrowed to: a row of the table, but never a management right. */
const keyPermission = z.string({ error: 'must be a permission name' }).superRefine((value, ctx) => {
  if ((MANAGEMENT_PERMISSIONS as readonly string[]).includes(value)) {
    ctx.addIssue({ code: 'custom', message: `${value} is a right of people on the admin contract; no key may hold it` });
  } else if (!(PERMISSIONS as readonly string[]).includes(value)) {
    ctx.addIssue({ code: 'custom', message: `unknown permission "${value.slice(0, 60)}"; one of ${KEY_PERMISSIONS.join(', ')}` });
  }
});

const narrowing = {
  name: nameSchema,
  statusPageIds: z
    .array(idSchema, { error: 'must be an array of status page ids' })
    .min(1, 'must name at least one status page (omit it for every page)')
    .max(1000)
    .transform((ids) => [...new Set(ids)])
    .nullable()
    .optional(),
  permissions: z
    .array(keyPermission, { error: 'must be an array of permission names' })
    .min(1, 'must name at least one permission (omit it for the role or access level rights)')
    .max(KEY_PERMISSIONS.length * 4)
    .transform((names) => [...new Set(names)] as KeyPermission[])
    .nullable()
    .optional(),
  expiresAt: futureDate.nullable().optional(),
  allowedIps: z.array(cidr, { error: 'must be an array of IP addresses or CIDRs' }).min(1).max(100).nullable().optional(),
};
const access = z.enum(KEY_ACCESS, { error: `must be one of ${KEY_ACCESS.join(', ')}` });

/** Org keys: least privilege first, `access` defaults to `read`. */
export const createOrgApiKeyRequestSchema = z.strictObject({ ...narrowing, access: access.default('read') });
/** User keys follow the user's role; `access: read` narrows them to the read rows. */
export const createUserApiKeyRequestSchema = z.strictObject({ ...narrowing, access: access.default('read_write') });
export type CreateApiKeyRequest = z.infer<typeof createOrgApiKeyRequestSchema>;

export const rollApiKeyRequestSchema = z.strictObject({
  gracePeriodSeconds: z
    .number({ error: 'must be a number of seconds' })
    .int('must be an integer')
    .min(0, 'must be >= 0')
    .max(30 * 24 * 3600, 'must be at most 30 days (2592000)')
    .default(3600),
});
export type RollApiKeyRequest = z.infer<typeof rollApiKeyRequestSchema>;

export class CreateOrgApiKeyRequestDto extends createZodDto(createOrgApiKeyRequestSchema) {}
export class CreateUserApiKeyRequestDto extends createZodDto(createUserApiKeyRequestSchema) {}
export class RollApiKeyRequestDto extends createZodDto(rollApiKeyRequestSchema) {}
