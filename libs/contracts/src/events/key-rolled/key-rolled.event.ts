import { z } from 'zod';
import { idSchema } from '../../access/vocabulary';
import { defineEvent } from '../envelope';

/**
 * A key was rolled: `replacedBy` is the new key (its own KeyCreated follows); the old key keeps
 * working until `graceEndsAt`, never past its own expiry. aggregateId: the old keyId.
 */
export const KEY_ROLLED = 'KeyRolled';
export const keyRolledEventSchema = defineEvent(
  KEY_ROLLED,
  z.object({ keyId: idSchema, replacedBy: idSchema, graceEndsAt: z.iso.datetime() }),
);
export type KeyRolledEvent = z.infer<typeof keyRolledEventSchema>;
