import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { ORG_ROLES, PAGE_ROLES } from '@sp/contracts';
import { consistencyToken } from '../common/responses';

export const memberResponseSchema = z
  .object({
    orgId: z.string(),
    userId: z.string(),
    role: z.enum(ORG_ROLES).nullable(),
    pageRoles: z.record(z.string(), z.enum(PAGE_ROLES)),
    removed: z.boolean(),
    version: z.number().int(),
    consistencyToken: consistencyToken(),
  })
;
export class MemberResponseDto extends createZodDto(memberResponseSchema) {}
