import { z } from 'zod';
import { secretScanningKeysSchema } from '../secret-scanning/trusted-keys';
import { commonEnvSchema, eventSigningEnvShape, mongoEnvSchema, pepperSchema, portSchema, secretSchema } from '@sp/platform';

export const keyServiceEnvSchema = commonEnvSchema.extend({
  ...mongoEnvSchema.shape,
  KEY_SERVICE_DB: z.string().regex(/^[A-Za-z0-9_-]{1,60}$/).default('key_service'),
  KEY_SERVICE_PORT: portSchema.default(3001),
  KEY_SERVICE_HOST: z.string().default('127.0.0.1'),
  ADMIN_TOKEN: secretSchema('bearer token of the admin API'),
  API_KEY_PEPPER: pepperSchema,
  ...eventSigningEnvShape,
  OUTBOX_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(250),
  KEY_USAGE_GROUP: z.string().default('key-service.key-usage'),
  /** Days the usage log and the audit log keep an entry (TTL indexes on MongoDB, and a periodic prune everywhere). */
  /** Trusted reporters of leaked keys (GitHub secret scanning): JSON of key identifier to PEM; none by default. */
  SECRET_SCANNING_PUBLIC_KEYS: secretScanningKeysSchema,
  /** Failed admin token attempts per client address per minute before 429 (StaticTokenGuard). */
  STATIC_TOKEN_MAX_FAILURES_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(20),
  USAGE_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
});
export type KeyServiceEnv = z.infer<typeof keyServiceEnvSchema>;
