import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { idSchema } from '@sp/contracts';

/**
 * Path ids (`:pageId`, `:id`, `:orgId`): letters, digits, "_" and "-", 1..128 characters, checked
 * by the global pipe before any database access; anything else is a 400 naming the parameter.
 */
export class PageParams extends createZodDto(z.object({ pageId: idSchema })) {}
export class PageRecordParams extends createZodDto(z.object({ pageId: idSchema, id: idSchema })) {}
export class OrgParams extends createZodDto(z.object({ orgId: idSchema })) {}
