import { z } from 'zod';
import { idSchema } from '../../access/vocabulary';
import { defineEvent } from '../envelope';

/**
 * A key lost status pages from its `statusPageIds` narrowing (the pages were removed from the org):
 * `statusPageIds` is what it keeps, possibly none. Only ever narrows: consumers intersect it with
 * what they hold, so a page that comes back is not reached again. aggregateId: keyId.
 */
export const KEY_NARROWED = 'KeyNarrowed';
export const keyNarrowedEventSchema = defineEvent(KEY_NARROWED, z.object({ keyId: idSchema, statusPageIds: z.array(idSchema) }));
export type KeyNarrowedEvent = z.infer<typeof keyNarrowedEventSchema>;
