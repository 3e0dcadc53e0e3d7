import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { consistencyToken, dateTime } from '../common/responses';

export const orgResponseSchema = z
  .object({ id: z.string(), name: z.string(), version: z.number().int(), createdAt: dateTime(), updatedAt: dateTime(), consistencyToken: consistencyToken() })
;
export class OrgResponseDto extends createZodDto(orgResponseSchema) {}
