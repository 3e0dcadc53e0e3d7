import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { KEY_ACCESS, KEY_PERMISSIONS, REVOCATION_REASONS } from '@sp/contracts';
import { consistencyToken, dateTime } from '../common/responses';

/** Metadata only: never the key nor its hash (see toKeyResponse). */
export const apiKeyResponseSchema = z
  .object({
    id: z.string(),
    orgId: z.string(),
    type: z.enum(['org', 'user']),
    userId: z.string().min(1).nullable(),
    name: z.string(),
    access: z.enum(KEY_ACCESS),
    statusPageIds: z.array(z.string()).nullable(),
    permissions: z.array(z.enum(KEY_PERMISSIONS)).nullable().describe('The key is narrowed to these permissions (null: its role or access level rights)'),
    expiresAt: dateTime().nullable(),
    allowedIps: z.array(z.string()).nullable(),
    prefix: z.string(),
    last4: z.string(),
    display: z.string().describe('prefix…last4, how the key is shown after creation'),
    status: z.enum(['active', 'revoked', 'expired']),
    revokedAt: dateTime().nullable(),
    revocation: z
      .object({
        reason: z.enum(REVOCATION_REASONS),
        report: z.object({ url: z.string().nullable(), source: z.string().nullable() }).nullable(),
      })
      .nullable()
      .describe('Why the key was revoked: revoked (by request), leaked (secret scanning, with the report) or member_removed'),
    graceEndsAt: dateTime().nullable(),
    replacedBy: z.string().min(1).nullable(),
    rolledFrom: z.string().min(1).nullable(),
    lastUsedAt: dateTime().nullable(),
    createdAt: dateTime(),
    version: z.number().int(),
  })
;
export class ApiKeyResponseDto extends createZodDto(apiKeyResponseSchema) {}
export class ApiKeyListResponseDto extends createZodDto(z.array(apiKeyResponseSchema)) {}

export const revokedApiKeyResponseSchema = apiKeyResponseSchema.extend({ consistencyToken: consistencyToken() });
export class RevokedApiKeyResponseDto extends createZodDto(revokedApiKeyResponseSchema) {}

/** The one answer that carries the plaintext key. */
export const createdApiKeyResponseSchema = apiKeyResponseSchema
  .extend({ key: z.string().describe('The API key itself: shown once, never again'), consistencyToken: consistencyToken() })
;
export class CreatedApiKeyResponseDto extends createZodDto(createdApiKeyResponseSchema) {}

export const rolledApiKeyResponseSchema = createdApiKeyResponseSchema
  .extend({ previousKey: z.object({ id: z.string(), graceEndsAt: dateTime() }) })
;
export class RolledApiKeyResponseDto extends createZodDto(rolledApiKeyResponseSchema) {}
