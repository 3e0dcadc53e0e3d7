import { z } from 'zod';
import { commonEnvSchema, pepperSchema, portSchema } from '@sp/platform';

const perSecond = z.coerce.number().int().min(1).max(10_000_000);

export const gatewayEnvSchema = commonEnvSchema.extend({
  GATEWAY_PORT: portSchema.default(3000),
  GATEWAY_HOST: z.string().default('0.0.0.0'),
  API_KEY_PEPPER: pepperSchema,
  UPSTREAM_URL: z.url({ error: 'must be a URL (status-page-api base, e.g. http://127.0.0.1:3003)' }).default('http://127.0.0.1:3003'),
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** How long a request with X-Consistency-Token may wait for the view to reach that change. */
  CONSISTENCY_WAIT_MS: z.coerce.number().int().min(0).max(30_000).default(2_000),
  RATE_LIMIT_KEY_PER_SECOND: perSecond.default(100),
  RATE_LIMIT_ORG_PER_SECOND: perSecond.default(500),
  /** Failed authentications allowed per client address per minute before 429. */
  AUTH_FAILURES_PER_MINUTE: perSecond.default(60),
  /** Use X-Forwarded-For's first address as the client address (only behind a trusted proxy). */
  TRUST_PROXY: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  USAGE_BUFFER_SIZE: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  USAGE_FLUSH_MS: z.coerce.number().int().min(5).max(60_000).default(1_000),
  USAGE_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(500),
  /** Benchmarks only: serve the same routes without authentication and authorization (never in production). */
  GATEWAY_AUTH_DISABLED_FOR_BENCHMARK: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
});
export type GatewayEnv = z.infer<typeof gatewayEnvSchema>;
