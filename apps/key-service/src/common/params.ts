import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { idSchema } from '@sp/contracts';

/** Path ids (orgId, pageId, userId, keyId), validated by the global pipe: 400 naming the parameter. */
export class OrgParams extends createZodDto(z.object({ orgId: idSchema })) {}
export class OrgPageParams extends createZodDto(z.object({ orgId: idSchema, pageId: idSchema })) {}
export class OrgMemberParams extends createZodDto(z.object({ orgId: idSchema, userId: idSchema })) {}
export class KeyParams extends createZodDto(z.object({ keyId: idSchema })) {}
