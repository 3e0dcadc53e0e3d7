import { z } from 'zod';
import { idSchema, orgRoleSchema, pageRoleSchema } from '../../access/vocabulary';
import { defineEvent } from '../envelope';

/**
 * A user's memberships in an org, as a whole: the org-level role (or none) and page-level roles,
 * which override the org role for their page. aggregateId: memberAggregateId(orgId, userId).
 */
export const MEMBER_UPSERTED = 'MemberUpserted';
export const memberUpsertedEventSchema = defineEvent(
  MEMBER_UPSERTED,
  z.object({
    userId: idSchema,
    role: orgRoleSchema.nullable(),
    pageRoles: z
      .array(z.object({ pageId: idSchema, role: pageRoleSchema }))
      .refine((list) => new Set(list.map((p) => p.pageId)).size === list.length, 'each page may appear once'),
  }),
);
export type MemberUpsertedEvent = z.infer<typeof memberUpsertedEventSchema>;

export function memberAggregateId(orgId: string, userId: string): string {
  return `${orgId}/${userId}`;
}
