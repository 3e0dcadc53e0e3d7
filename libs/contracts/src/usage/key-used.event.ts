import { z } from 'zod';
import { idSchema, permissionSchema } from '../access/vocabulary';

/**
 * Gateway decisions on a known key, allowed or denied, on the key-usage topic (keyed by keyId).
 * Identical decisions (same key, route, method, decision, reason, status and address) within one
 * flush window travel as one event with their `count`, from `firstOccurredAt` to `occurredAt`
 * (the last one). Never carries the key. Unknown keys are not attributable: metrics count them.
 */
export const KEY_USED = 'KeyUsed';
export const keyUsedEventSchema = z.object({
  id: z.uuid(),
  type: z.literal(KEY_USED),
  schemaVersion: z.literal(1),
  orgId: idSchema,
  keyId: idSchema,
  occurredAt: z.iso.datetime(),
  firstOccurredAt: z.iso.datetime().optional(),
  count: z.number().int().min(1).max(10_000_000).default(1),
  decision: z.enum(['allow', 'deny']),
  reason: z.string().min(1).max(64),
  permission: permissionSchema.nullable(),
  method: z.string().min(1).max(10),
  route: z.string().min(1).max(200),
  status: z.number().int().min(100).max(599),
  clientIp: z.string().max(64).nullable(),
});
export type KeyUsedEvent = z.infer<typeof keyUsedEventSchema>;
