import { logLevelSchema, mongoEnvSchema, portSchema, secretSchema } from '@sp/platform';
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
  /** Shared with the gateway: it signs the identity headers with it, this service accepts only those it signed. */
  GATEWAY_UPSTREAM_SECRET: secretSchema('HMAC key of the identity headers, shared with the gateway').min(32, 'must be at least 32 characters'),
});

export type Env = z.infer<typeof envSchema>;
