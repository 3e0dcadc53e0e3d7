import { z } from 'zod';
import { createZodDto } from 'nestjs-zod';
import { idSchema, ORG_ROLES, PAGE_ROLES } from '@sp/contracts';

const orgRole = z.enum(ORG_ROLES, { error: `must be one of ${ORG_ROLES.join(', ')}` });
const pageRole = z.string().superRefine((value, ctx) => {
  if (value === 'billing') ctx.addIssue({ code: 'custom', message: 'billing is an org-level role only' });
  else if (!(PAGE_ROLES as readonly string[]).includes(value)) {
    ctx.addIssue({ code: 'custom', message: `must be one of ${PAGE_ROLES.join(', ')}` });
  }
});

/** `{ role?, pageRoles?: { [pageId]: role } }`: at least one role, page roles override the org role. */
export const upsertMemberRequestSchema = z
  .strictObject({
    role: orgRole.nullable().optional(),
    pageRoles: z.record(idSchema, pageRole, { error: 'must be an object of pageId to role' }).optional(),
  })
  .refine((m) => (m.role ?? null) !== null || Object.keys(m.pageRoles ?? {}).length > 0, {
    message: 'a member needs an org role or at least one page role',
    path: ['role'],
  });
export type UpsertMemberRequest = z.infer<typeof upsertMemberRequestSchema>;

export class UpsertMemberRequestDto extends createZodDto(upsertMemberRequestSchema) {}
