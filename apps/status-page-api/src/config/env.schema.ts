import { logLevelSchema, mongoEnvSchema, portSchema } from '@sp/platform';
import { z } from 'zod';

/** The environment status-page-api reads; validated at start (ConfigModule and main.ts). */
export const envSchema = z.object({
  ...mongoEnvSchema.shape,
  /** Database name given to mongoose as `dbName` (the URI's own path is ignored for it). */
  STATUS_PAGE_API_DB: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,63}$/, 'must be 1..63 letters, digits, "_" or "-"')
    .default('status_page_api'),
  STATUS_PAGE_API_PORT: portSchema.default(3003),
  STATUS_PAGE_API_HOST: z.string().min(1).default('127.0.0.1'),
  LOG_LEVEL: logLevelSchema,
});

export type Env = z.infer<typeof envSchema>;
