import { z } from 'zod';
import { idSchema, permissionSchema } from '../access/vocabulary';

/**
 * One gateway decision on a known key, allowed or denied, on the key-usage topic (keyed by keyId).
 * Never carries the key. Unknown keys are not attributable and are only counted in metrics.
 */
export const KEY_USED = 'KeyUsed';
export const keyUsedEventSchema = z.object({
  id: z.uuid(),
  type: z.literal(KEY_USED),
  schemaVersion: z.literal(1),
  orgId: idSchema,
  keyId: idSchema,
  occurredAt: z.iso.datetime(),
  decision: z.enum(['allow', 'deny']),
  reason: z.string().min(1).max(64),
  permission: permissionSchema.nullable(),
  method: z.string().min(1).max(10),
  route: z.string().min(1).max(200),
  status: z.number().int().min(100).max(599),
  clientIp: z.string().max(64).nullable(),
});
export type KeyUsedEvent = z.infer<typeof keyUsedEventSchema>;
