import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { commonEnvSchema, eventSigningEnvShape, mongoEnvSchema, pepperSchema, portSchema, secretSchema } from '@sp/platform';

export const permissionsEnvSchema = commonEnvSchema.extend({
  ...mongoEnvSchema.shape,
  PERMISSIONS_DB: z.string().regex(/^[A-Za-z0-9_-]{1,60}$/).default('permissions_service'),
  PERMISSIONS_SERVICE_PORT: portSchema.default(3002),
  PERMISSIONS_SERVICE_HOST: z.string().default('127.0.0.1'),
  /** NestJS TCP microservice transport for the `authorize` message pattern (loopback by default). */
  PERMISSIONS_TCP_PORT: portSchema.default(3012),
  PERMISSIONS_TCP_HOST: z.string().default('127.0.0.1'),
  INTERNAL_TOKEN: secretSchema('bearer token of internal calls'),
  API_KEY_PEPPER: pepperSchema,
  ...eventSigningEnvShape,
  PERMISSIONS_GROUP: z.string().default('permissions-service.view'),
  /** Failed internal-token attempts per client address per minute before 429 (HTTP and the TCP pattern). */
  /** Where the cached view snapshot is written (a directory per process under it). */
  VIEW_SNAPSHOT_DIR: z.string().min(1).default(join(tmpdir(), 'sp-view-snapshot')),
  /** How often the cached snapshot is rewritten once the view moved; 0: no cache, every snapshot reads the database. */
  VIEW_SNAPSHOT_REFRESH_MS: z.coerce.number().int().min(0).max(86_400_000).default(300_000),
  /** A cached snapshot older than this is not served (its offsets could be past the topic's retention). */
  VIEW_SNAPSHOT_MAX_AGE_MS: z.coerce.number().int().min(1_000).max(7 * 86_400_000).default(3_600_000),
  STATIC_TOKEN_MAX_FAILURES_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(20),
});
export type PermissionsEnv = z.infer<typeof permissionsEnvSchema>;
