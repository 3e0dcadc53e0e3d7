import { z } from 'zod';
import { idSchema, keyAccessSchema, KEY_PERMISSIONS, keyTypeSchema } from '../../access/vocabulary';
import { defineEvent } from '../envelope';

/**
 * An API key was created (or issued by a roll). Carries the key's HMAC-SHA256 hash, never the key.
 * aggregateId: keyId.
 */
export const KEY_CREATED = 'KeyCreated';
export const keyCreatedEventSchema = defineEvent(
  KEY_CREATED,
  z.object({
    keyId: idSchema,
    keyHash: z.string().regex(/^[0-9a-f]{64}$/, 'must be a hex HMAC-SHA256'),
    type: keyTypeSchema,
    userId: idSchema.nullable(),
    name: z.string().min(1).max(200),
    access: keyAccessSchema,
    statusPageIds: z.array(idSchema).nullable(),
    /** The key's narrowing to these permissions; null or absent (events before the field) = none. */
    permissions: z.array(z.enum(KEY_PERMISSIONS)).min(1).nullable().optional(),
    expiresAt: z.iso.datetime().nullable(),
    allowedIps: z.array(z.string().min(1).max(64)).nullable(),
    prefix: z.string().min(1).max(20),
    last4: z.string().length(4),
    rolledFrom: idSchema.nullable(),
  }).refine((p) => (p.type === 'user') === (p.userId !== null), {
    message: 'userId is required for user keys and must be null for org keys',
    path: ['userId'],
  }),
);
export type KeyCreatedEvent = z.infer<typeof keyCreatedEventSchema>;
