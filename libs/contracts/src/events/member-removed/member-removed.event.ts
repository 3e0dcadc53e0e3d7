import { z } from 'zod';
import { idSchema } from '../../access/vocabulary';
import { defineEvent } from '../envelope';

/** A user left the org: every user key of theirs in that org stops. aggregateId: memberAggregateId. */
export const MEMBER_REMOVED = 'MemberRemoved';
export const memberRemovedEventSchema = defineEvent(MEMBER_REMOVED, z.object({ userId: idSchema }));
export type MemberRemovedEvent = z.infer<typeof memberRemovedEventSchema>;
