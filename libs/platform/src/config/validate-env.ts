import { z } from 'zod';
import { kafkaSecurityEnvShape } from '../kafka/kafka-connection';
import developmentSecrets from './development-secrets.json';

/**
 * The secrets `npm start` and `npm test` fill in when none are set. They are published (this
 * repository), so anyone could mint key hashes or call the admin API with them: production refuses them.
 */
export const DEVELOPMENT_SECRETS: Readonly<Record<string, string>> = developmentSecrets;

/**
 * For `ConfigModule.forRoot({ validate })`: parses the environment with a zod schema and stops the
 * service at start with one line per bad variable, naming it and the reason.
 */
export function validateEnv<S extends z.ZodType>(schema: S): (raw: Record<string, unknown>) => z.infer<S> {
  return (raw) => {
    const result = schema.safeParse(raw);
    const lines = result.success ? [] : result.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
    if (raw.NODE_ENV === 'production') lines.push(...developmentSecretsIn(raw, schema));
    if (!result.success || lines.length > 0) throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
    return result.data;
  };
}

/** The published values among the variables this service reads (all of them when its schema is not an object). */
function developmentSecretsIn(raw: Record<string, unknown>, schema: z.ZodType): string[] {
  const shape = schema instanceof z.ZodObject ? (schema.shape as Record<string, unknown>) : null;
  return Object.entries(DEVELOPMENT_SECRETS)
    .filter(([name, published]) => raw[name] === published && (shape === null || name in shape))
    .map(([name]) => `  ${name}: is the published development default; NODE_ENV=production needs a secret of its own`);
}

/** A comma-separated list of host:port. */
export const brokersSchema = z
  .string({ error: 'is required (comma-separated host:port list)' })
  .min(1)
  .transform((s) => s.split(',').map((b) => b.trim()).filter(Boolean))
  .refine((list) => list.length > 0 && list.every((b) => /^[^\s:]+:\d+$/.test(b)), 'must be host:port[,host:port...]');

export const mongoUriSchema = z
  .string({ error: 'is required (mongodb://host:port/db)' })
  .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://');

export const portSchema = z.coerce.number().int().min(1).max(65535);

export const secretSchema = (name: string) =>
  z.string({ error: `is required (${name})` }).min(16, `must be at least 16 characters (${name})`);

/** The server-side pepper of key hashes (HMAC-SHA256 key); the same value in every service that hashes keys. */
export const pepperSchema = z
  .string({ error: 'is required (server-side pepper of API key hashes, shared by key-service, gateway and permissions-service)' })
  .min(32, 'must be at least 32 characters');

export const logLevelSchema = z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info');

/** Variables every service shares. */
export const commonEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: logLevelSchema,
  KAFKA_BROKERS: brokersSchema,
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).max(5).default(1),
  KAFKA_PARTITIONS: z.coerce.number().int().min(1).max(64).default(3),
  ...kafkaSecurityEnvShape,
});
export type CommonEnv = z.infer<typeof commonEnvSchema>;
