import { z } from 'zod';
import { idSchema } from '../../access/vocabulary';
import { defineEvent } from '../envelope';

/** A key was revoked: a state, not a deletion; it stays revoked whatever arrives later. aggregateId: keyId. */
export const KEY_REVOKED = 'KeyRevoked';
export const keyRevokedEventSchema = defineEvent(KEY_REVOKED, z.object({ keyId: idSchema }));
export type KeyRevokedEvent = z.infer<typeof keyRevokedEventSchema>;
