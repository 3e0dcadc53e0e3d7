import { z } from 'zod';
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
