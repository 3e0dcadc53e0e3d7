import { z } from 'zod';
import { defineEvent } from '../envelope';

/** An org was created or renamed. aggregateId: orgId. */
export const ORG_UPSERTED = 'OrgUpserted';
export const orgUpsertedEventSchema = defineEvent(ORG_UPSERTED, z.object({ name: z.string().min(1).max(200) }));
export type OrgUpsertedEvent = z.infer<typeof orgUpsertedEventSchema>;
