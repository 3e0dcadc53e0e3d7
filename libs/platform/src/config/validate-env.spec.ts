import { z } from 'zod';
import { brokersSchema, commonEnvSchema, mongoUriSchema, validateEnv } from './validate-env';

describe('validateEnv', () => {
  const schema = commonEnvSchema.extend({ MONGODB_URI: mongoUriSchema, PORT: z.coerce.number().int() });

  it('parses and applies defaults', () => {
    const env = validateEnv(schema)({ KAFKA_BROKERS: 'a:1, b:2', MONGODB_URI: 'mongodb://x:1/db', PORT: '3000' });
    expect(env.KAFKA_BROKERS).toEqual(['a:1', 'b:2']);
    expect(env.LOG_LEVEL).toBe('info');
    expect(env.PORT).toBe(3000);
  });

  it('names every bad variable and the reason', () => {
    expect(() => validateEnv(schema)({ KAFKA_BROKERS: 'nope', MONGODB_URI: 'http://x', PORT: 'x' })).toThrow(
      /KAFKA_BROKERS: must be host:port[\s\S]*MONGODB_URI: must start with mongodb:\/\/[\s\S]*PORT:/,
    );
    expect(() => validateEnv(schema)({})).toThrow(/KAFKA_BROKERS: is required/);
  });

  it('rejects empty broker lists', () => {
    expect(brokersSchema.safeParse(' , ').success).toBe(false);
  });
});
