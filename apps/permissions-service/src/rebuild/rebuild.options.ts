import { parseArgs } from 'node:util';
import { z } from 'zod';
import { brokersSchema, eventSigningKeysSchema, kafkaSecurity, kafkaSecurityEnvShape, mongoUriSchema, secretSchema, type KafkaConnection } from '@sp/platform';

/**
 * The rebuild command's settings: each flag has an environment variable of the same meaning (the
 * flag wins). The defaults are what `npm start` uses (tools/run.sh, its local stack and the
 * services' own defaults), so under `npm start` no setting is needed but the mode's secret.
 */
export const USAGE = `usage: npm run rebuild-view -- [--from source|topic|snapshot] [--restore <db> | --keep] [options]

  --from source     key-service's database, the source of truth (default): works whatever the topic still holds
  --from topic      replays the access topic from offset 0 (only while it holds the whole history)
  --from snapshot   copies a running permissions-service's view (GET /internal/v1/view/snapshot)

  without --restore: rebuilds into a new database and compares it with the live view
                     (exit 0 equal, 2 different with the differences printed; --keep keeps the rebuilt database)
  --restore <db>     rebuilds into <db> (new or empty) with the topic offsets it reflects, and keeps it:
                     start a permissions-service with PERMISSIONS_DB=<db> to serve it (exit 0)
  exit 3: the mode cannot rebuild here (the topic lost part of its history: use --from source); 1: any other error

  --kafka-brokers      KAFKA_BROKERS       default 127.0.0.1:9092
  --mongodb-uri        MONGODB_URI         default mongodb://127.0.0.1:27017
  --key-service-db     KEY_SERVICE_DB      default key_service          (source)
  --permissions-db     PERMISSIONS_DB      default permissions_service  (the live view compared with)
  --permissions-url    PERMISSIONS_URL     default http://127.0.0.1:3002 (snapshot)
                       INTERNAL_TOKEN      required for snapshot
                       EVENT_SIGNING_KEYS  required for topic (the events' signatures are checked as the service does)
  --timeout-ms         REBUILD_TIMEOUT_MS  default 300000 (topic: the replay's bound)
                       KAFKA_SSL*, KAFKA_SASL_*  the brokers' TLS and SASL settings, as the services take them`;

const dbName = z.string().regex(/^[A-Za-z0-9_-]{1,60}$/, 'must be 1-60 letters, digits, "_" or "-"');

const baseSchema = z.object({
  from: z.enum(['source', 'topic', 'snapshot'], { error: 'must be source, topic or snapshot' }).default('source'),
  restore: dbName.optional(),
  keep: z.boolean().default(false),
  KAFKA_BROKERS: brokersSchema.default(['127.0.0.1:9092']),
  MONGODB_URI: mongoUriSchema.default('mongodb://127.0.0.1:27017'),
  KEY_SERVICE_DB: dbName.default('key_service'),
  PERMISSIONS_DB: dbName.default('permissions_service'),
  PERMISSIONS_URL: z.url({ error: 'must be the http(s) URL of a permissions-service' }).default('http://127.0.0.1:3002'),
  REBUILD_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(300_000),
  ...kafkaSecurityEnvShape,
});

const topicSchema = z.object({ EVENT_SIGNING_KEYS: eventSigningKeysSchema });
const snapshotSchema = z.object({ INTERNAL_TOKEN: secretSchema('bearer token of internal calls') });

export type RebuildSettings = z.infer<typeof baseSchema> & {
  /** The brokers with their TLS and SASL settings. */
  kafka: KafkaConnection;
  EVENT_SIGNING_KEYS?: Record<string, string>;
  INTERNAL_TOKEN?: string;
};

/** Flag -> variable; `from`, `restore` and `keep` are flags only. */
const FLAGS = {
  'kafka-brokers': 'KAFKA_BROKERS',
  'mongodb-uri': 'MONGODB_URI',
  'key-service-db': 'KEY_SERVICE_DB',
  'permissions-db': 'PERMISSIONS_DB',
  'permissions-url': 'PERMISSIONS_URL',
  'timeout-ms': 'REBUILD_TIMEOUT_MS',
} as const;

export class UsageError extends Error {}

/** Parses the flags and the environment; throws a UsageError naming every bad setting and why. */
export function parseRebuildSettings(argv: string[], env: NodeJS.ProcessEnv): RebuildSettings | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        from: { type: 'string' },
        restore: { type: 'string' },
        keep: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        ...Object.fromEntries(Object.keys(FLAGS).map((flag) => [flag, { type: 'string' as const }])),
      },
    }));
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${USAGE}`);
  }
  if (values.help) return 'help';
  if (values.restore !== undefined && values.keep) throw new UsageError(`--keep is for a comparison; --restore keeps its database anyway\n${USAGE}`);
  const raw: Record<string, unknown> = { from: values.from, restore: values.restore, keep: values.keep ?? false };
  for (const [flag, name] of Object.entries(FLAGS)) {
    const value = (values[flag] as string | undefined) ?? env[name];
    raw[name] = value === '' ? undefined : value;
  }
  for (const name of Object.keys(kafkaSecurityEnvShape)) raw[name] = env[name] === '' ? undefined : env[name];
  const base = baseSchema.safeParse(raw);
  const issues = base.success ? [] : base.error.issues.map((i) => describe(String(i.path[0]), i.message));
  const from = base.success ? base.data.from : null;
  const extra = from === 'topic' ? topicSchema : from === 'snapshot' ? snapshotSchema : null;
  const secrets = extra?.safeParse({ EVENT_SIGNING_KEYS: env.EVENT_SIGNING_KEYS, INTERNAL_TOKEN: env.INTERNAL_TOKEN });
  if (secrets && !secrets.success) issues.push(...secrets.error.issues.map((i) => describe(String(i.path[0]), `${i.message} (needed by --from ${from})`)));
  let kafka: KafkaConnection | null = null;
  if (base.success) {
    try {
      kafka = { brokers: base.data.KAFKA_BROKERS, ...kafkaSecurity(base.data) };
    } catch (err) {
      issues.push(`  ${(err as Error).message}`);
    }
  }
  if (issues.length > 0 || !base.success || kafka === null) throw new UsageError(`Invalid settings:\n${issues.join('\n')}\n${USAGE}`);
  return { ...base.data, kafka, ...(secrets?.success ? secrets.data : {}) };
}

function describe(name: string, message: string): string {
  const flag = name === 'from' || name === 'restore' ? name : Object.entries(FLAGS).find(([, v]) => v === name)?.[0];
  if (!flag) return `  ${name}: ${message}`;
  return `  ${flag === name ? `--${flag}` : `${name} (--${flag})`}: ${message}`;
}
