import { z } from 'zod';
import { createZodDto } from 'nestjs-zod';
import { idSchema, PERMISSIONS } from '@sp/contracts';

/** `{apiKey, permission, orgId?, statusPageId?}` (DESIGN.md "Internal authorization"). */
export const authorizeRequestSchema = z.strictObject({
  apiKey: z.string({ error: 'is required (the presented API key)' }).min(1).max(200),
  permission: z.enum(PERMISSIONS, { error: `must be one of ${PERMISSIONS.join(', ')}` }),
  orgId: idSchema.optional(),
  statusPageId: idSchema.optional(),
});
export type AuthorizeRequest = z.infer<typeof authorizeRequestSchema>;

export interface AuthorizeResponse {
  allowed: boolean;
  /** `allowed`, a denial reason of the engine, or `invalid_api_key` for an unknown or malformed key. */
  reason: string;
  principal: { orgId: string; keyId: string; type: 'org' | 'user'; userId?: string } | null;
}

export class AuthorizeRequestDto extends createZodDto(authorizeRequestSchema) {}

export const authorizeResponseSchema = z
  .object({
    allowed: z.boolean(),
    reason: z.string().describe('`allowed`, a denial reason of the engine, or `invalid_api_key` for an unknown or malformed key'),
    principal: z
      .object({ orgId: z.string(), keyId: z.string(), type: z.enum(['org', 'user']), userId: z.string().optional() })
      .nullable(),
  })
;
export class AuthorizeResponseDto extends createZodDto(authorizeResponseSchema) {}
