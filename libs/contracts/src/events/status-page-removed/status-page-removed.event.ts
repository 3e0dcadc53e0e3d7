import { z } from 'zod';
import { idSchema } from '../../access/vocabulary';
import { defineEvent } from '../envelope';

/** A status page left its org; no key reaches it any more. aggregateId: pageId. */
export const STATUS_PAGE_REMOVED = 'StatusPageRemoved';
export const statusPageRemovedEventSchema = defineEvent(STATUS_PAGE_REMOVED, z.object({ pageId: idSchema }));
export type StatusPageRemovedEvent = z.infer<typeof statusPageRemovedEventSchema>;
