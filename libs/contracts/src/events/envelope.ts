import { z } from 'zod';
import { idSchema } from '../access/vocabulary';

/**
 * Who caused a change: the admin API (token holder), a person acting through it (`X-Acting-User`,
 * id = userId) or the system itself (e.g. `secret-scanning`).
 */
export const actorSchema = z.object({
  type: z.enum(['admin', 'system', 'user']),
  id: z.string().min(1).max(200),
});
export type Actor = z.infer<typeof actorSchema>;

/**
 * The envelope of every access event (DESIGN.md "Events"). `aggregateVersion` rises by one per
 * change of the aggregate named by `aggregateId`; consumers ignore anything not newer than what
 * they stored.
 */
export const envelopeSchema = z.object({
  id: z.uuid(),
  type: z.string(),
  schemaVersion: z.literal(1),
  orgId: idSchema,
  aggregateId: z.string().min(1).max(300),
  aggregateVersion: z.number().int().positive(),
  occurredAt: z.iso.datetime(),
  actor: actorSchema.optional(),
});

/** Builds an event schema: the envelope with a literal `type` and a typed `payload`. */
export function defineEvent<T extends string, P extends z.ZodType>(type: T, payload: P) {
  return envelopeSchema.extend({ type: z.literal(type), payload });
}
