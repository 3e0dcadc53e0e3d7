import { z } from 'zod';
import { idSchema } from '../../access/vocabulary';
import { defineEvent } from '../envelope';

/** Why a key was revoked: by request, reported leaked (secret scanning), or its user left the org. */
export const REVOCATION_REASONS = ['revoked', 'leaked', 'member_removed'] as const;
export type RevocationReason = (typeof REVOCATION_REASONS)[number];

/**
 * A key was revoked: a state, not a deletion; it stays revoked whatever arrives later. aggregateId: keyId.
 * `reason` and `report` are optional: events published before they existed carry neither.
 */
export const KEY_REVOKED = 'KeyRevoked';
export const keyRevokedEventSchema = defineEvent(
  KEY_REVOKED,
  z.object({
    keyId: idSchema,
    reason: z.enum(REVOCATION_REASONS).optional(),
    /** For `leaked`: where the reporter found the key. */
    report: z.object({ url: z.string().max(2000).nullable(), source: z.string().max(200).nullable() }).optional(),
  }),
);
export type KeyRevokedEvent = z.infer<typeof keyRevokedEventSchema>;
