import { z } from 'zod';
import { createZodDto } from 'nestjs-zod';
import { idSchema, KEY_PERMISSIONS, PERMISSIONS } from '@sp/contracts';

/** `{apiKey, permission, orgId?, statusPageId?}` (DESIGN.md "Internal authorization"). */
export const authorizeRequestSchema = z.strictObject({
  apiKey: z.string({ error: 'is required (the presented API key)' }).min(1).max(200),
  permission: z.enum(PERMISSIONS, { error: `must be one of ${PERMISSIONS.join(', ')}` }),
  orgId: idSchema.optional(),
  statusPageId: idSchema.optional(),
});
export type AuthorizeRequest = z.infer<typeof authorizeRequestSchema>;

/** The message pattern's payload: the same request with the internal token (checked before anything else). */
export const authorizeMessageSchema = authorizeRequestSchema.extend({ internalToken: z.string() });

export interface Principal {
  orgId: string;
  keyId: string;
  type: 'org' | 'user';
  userId?: string;
  /** The key's own narrowing (null: none). */
  permissions: string[] | null;
}

/**
 * Allowed: the principal. Denied, for whatever reason (unknown, revoked, expired key, address,
 * page, permission): one uniform answer that names only the permission asked, so a caller cannot
 * probe what a key is or why it fails.
 */
export type AuthorizeResponse =
  | { allowed: true; reason: 'allowed'; principal: Principal }
  | { allowed: false; reason: 'denied'; required: string; principal: null };

export class AuthorizeRequestDto extends createZodDto(authorizeRequestSchema) {}

export const authorizeResponseSchema = z.object({
  allowed: z.boolean(),
  reason: z.enum(['allowed', 'denied']).describe('`allowed`, or `denied` whatever the cause (uniform: reveals nothing about the key)'),
  required: z.string().optional().describe('On a denial: the permission that was asked'),
  principal: z
    .object({
      orgId: z.string(),
      keyId: z.string(),
      type: z.enum(['org', 'user']),
      userId: z.string().optional(),
      permissions: z.array(z.enum(KEY_PERMISSIONS)).nullable(),
    })
    .nullable()
    .describe('Only when allowed'),
});
export class AuthorizeResponseDto extends createZodDto(authorizeResponseSchema) {}
