import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { KEY_ACCESS } from '@sp/contracts';
import { consistencyToken, dateTime } from '../common/responses';

const keyPolicy = () =>
  z
    .object({
      maxLifetimeDays: z.number().int().nullable().describe('Keys live at most this many days (default expiry of new keys)'),
      orgKeyMaxAccess: z.enum(KEY_ACCESS).nullable().describe('The most access an org key may have'),
    })
    .describe('Applied when keys are created or rolled');

const org = () => ({ id: z.string(), name: z.string(), version: z.number().int(), createdAt: dateTime(), updatedAt: dateTime(), keyPolicy: keyPolicy() });

export const orgResponseSchema = z.object({ ...org(), consistencyToken: consistencyToken() });
export class OrgResponseDto extends createZodDto(orgResponseSchema) {}

/** GET: the org as it is (no change, so no consistency token). */
export class OrgViewResponseDto extends createZodDto(z.object(org())) {}
export class KeyPolicyResponseDto extends createZodDto(z.object({ orgId: z.string(), keyPolicy: keyPolicy() })) {}
