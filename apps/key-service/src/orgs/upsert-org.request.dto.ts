import { z } from 'zod';
import { createZodDto } from 'nestjs-zod';
import { KEY_ACCESS } from '@sp/contracts';

export const nameSchema = z
  .string({ error: 'is required and must be a string' })
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters');

export const upsertOrgRequestSchema = z.strictObject({ name: nameSchema });
export type UpsertOrgRequest = z.infer<typeof upsertOrgRequestSchema>;

export class UpsertOrgRequestDto extends createZodDto(upsertOrgRequestSchema) {}

/** `PUT /v1/orgs/:orgId/key-policy` `{maxLifetimeDays?, orgKeyMaxAccess?}`: the policy as a whole (absent or null = no limit). */
export const keyPolicyRequestSchema = z.strictObject({
  maxLifetimeDays: z
    .number({ error: 'must be a number of days' })
    .int('must be an integer')
    .min(1, 'must be >= 1')
    .max(3650, 'must be <= 3650')
    .nullable()
    .optional(),
  orgKeyMaxAccess: z.enum(KEY_ACCESS, { error: `must be one of ${KEY_ACCESS.join(', ')}` }).nullable().optional(),
});
export class KeyPolicyRequestDto extends createZodDto(keyPolicyRequestSchema) {}
