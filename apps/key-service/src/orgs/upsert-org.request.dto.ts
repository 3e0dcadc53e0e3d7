import { z } from 'zod';
import { createZodDto } from 'nestjs-zod';

export const nameSchema = z
  .string({ error: 'is required and must be a string' })
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters');

export const upsertOrgRequestSchema = z.strictObject({ name: nameSchema });
export type UpsertOrgRequest = z.infer<typeof upsertOrgRequestSchema>;

export class UpsertOrgRequestDto extends createZodDto(upsertOrgRequestSchema) {}
