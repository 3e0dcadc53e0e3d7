import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { consistencyToken } from '../common/responses';

export const statusPageResponseSchema = z
  .object({ id: z.string(), orgId: z.string(), name: z.string(), removed: z.boolean(), version: z.number().int(), consistencyToken: consistencyToken() })
;
export class StatusPageResponseDto extends createZodDto(statusPageResponseSchema) {}
