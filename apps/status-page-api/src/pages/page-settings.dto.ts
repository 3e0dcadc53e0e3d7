import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { dateTime } from '../common/responses';
import { updatePageSettingsSchema } from './update-page-settings.request.dto';

export class UpdatePageSettingsRequestDto extends createZodDto(updatePageSettingsSchema) {}

/** `{ id, name?, timezone?, theme?, customDomain?, updatedAt? }` (PagesService's view). */
export const pageSettingsResponseSchema = z
  .object({
    id: z.string(),
    name: z.string().optional(),
    timezone: z.string().optional(),
    theme: z.record(z.string(), z.string()).optional(),
    customDomain: z.string().optional(),
    updatedAt: dateTime().optional(),
  })
;
export class PageSettingsResponseDto extends createZodDto(pageSettingsResponseSchema) {}
