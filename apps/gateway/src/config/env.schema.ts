import { z } from 'zod';
import { commonEnvSchema, eventSigningEnvShape, pepperSchema, portSchema, secretSchema } from '@sp/platform';

const perSecond = z.coerce.number().int().min(1).max(10_000_000);

export const gatewayEnvSchema = commonEnvSchema.extend({
  GATEWAY_PORT: portSchema.default(3000),
  GATEWAY_HOST: z.string().default('0.0.0.0'),
  /** /metrics and the detailed readiness: never on the public port. */
  GATEWAY_INTERNAL_PORT: portSchema.default(9300),
  GATEWAY_INTERNAL_HOST: z.string().default('127.0.0.1'),
  API_KEY_PEPPER: pepperSchema,
  ...eventSigningEnvShape,
  UPSTREAM_URL: z.url({ error: 'must be a URL (status-page-api base, e.g. http://127.0.0.1:3003)' }).default('http://127.0.0.1:3003'),
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** Shared with status-page-api: the gateway signs the identity headers with it (libs/contracts identity-signature). */
  GATEWAY_UPSTREAM_SECRET: secretSchema('HMAC key of the identity headers, shared with status-page-api').min(32, 'must be at least 32 characters'),
  /** The permissions-service, whose view snapshot a starting gateway loads before following the topic. */
  PERMISSIONS_URL: z.url({ error: 'must be a URL (permissions-service base, e.g. http://127.0.0.1:3002)' }).default('http://127.0.0.1:3002'),
  /** Bearer token of the permissions-service's internal endpoints (the snapshot). */
  INTERNAL_TOKEN: secretSchema('bearer token of internal calls'),
  /**
   * How long a start keeps asking for the snapshot before it replays the topic from its start
   * instead (complete only while the topic still holds the whole history; logged as a warning).
   */
  VIEW_SNAPSHOT_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(30_000),
  /** Past this long without a successful fetch from the broker, the view is stale: 503 view_not_fresh. */
  VIEW_MAX_STALENESS_MS: z.coerce.number().int().min(500).max(600_000).default(5_000),
  /** How long a request with X-Consistency-Token may wait for the view to reach that change. */
  CONSISTENCY_WAIT_MS: z.coerce.number().int().min(0).max(30_000).default(2_000),
  RATE_LIMIT_KEY_PER_SECOND: perSecond.default(100),
  RATE_LIMIT_ORG_PER_SECOND: perSecond.default(500),
  /** Failed authentications allowed per client address per minute before 429. */
  AUTH_FAILURES_PER_MINUTE: perSecond.default(60),
  /**
   * The gateways' shared rate-limit counters (Redis): the limits above are then cluster-wide.
   * Unset: each gateway process has the whole of each limit to itself.
   */
  REDIS_URL: z.preprocess(
    (v) => (v === '' ? undefined : v), // empty = unset, so that a script can switch it off
    z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL (e.g. redis://127.0.0.1:6379)' }).optional(),
  ),
  /** How often a gateway adds its counts to Redis and reads everyone's: what N gateways may overshoot by. */
  RATE_LIMIT_SYNC_MS: z.coerce.number().int().min(10).max(10_000).default(100),
  /** Prefix of the rate-limit keys in Redis: gateways with the same prefix share their limits. */
  RATE_LIMIT_REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9:._-]{1,100}$/, 'letters, digits and : . _ - only').default('gateway:rate-limit:'),
  /**
   * Trusted proxies in front of the gateway: the client address is the X-Forwarded-For entry that
   * many hops from the socket (the one the outermost trusted proxy appended), never a leftmost,
   * client-written one. `false` or 0: the socket's address; `true`: 1 hop.
   */
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((v) => (v === 'true' ? 1 : v === 'false' ? 0 : Number(v)))
    .pipe(z.number({ error: 'must be true, false or a hop count' }).int('must be true, false or a hop count').min(0).max(10)),
  USAGE_BUFFER_SIZE: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
  USAGE_FLUSH_MS: z.coerce.number().int().min(5).max(60_000).default(1_000),
  USAGE_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(500),
});
export type GatewayEnv = z.infer<typeof gatewayEnvSchema>;
