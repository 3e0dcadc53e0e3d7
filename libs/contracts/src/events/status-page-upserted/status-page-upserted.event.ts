import { z } from 'zod';
import { idSchema } from '../../access/vocabulary';
import { defineEvent } from '../envelope';

/** A status page was registered or renamed in its org. aggregateId: pageId. */
export const STATUS_PAGE_UPSERTED = 'StatusPageUpserted';
export const statusPageUpsertedEventSchema = defineEvent(
  STATUS_PAGE_UPSERTED,
  z.object({ pageId: idSchema, name: z.string().min(1).max(200) }),
);
export type StatusPageUpsertedEvent = z.infer<typeof statusPageUpsertedEventSchema>;
