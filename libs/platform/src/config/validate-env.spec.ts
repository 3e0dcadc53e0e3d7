import { z } from 'zod';
import { brokersSchema, commonEnvSchema, DEVELOPMENT_SECRETS, mongoUriSchema, pepperSchema, secretSchema, validateEnv } from './validate-env';

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

  describe('in production', () => {
    const secrets = commonEnvSchema.extend({ ADMIN_TOKEN: secretSchema('admin'), API_KEY_PEPPER: pepperSchema });
    const base = { KAFKA_BROKERS: 'a:1', NODE_ENV: 'production' };
    const own = { ADMIN_TOKEN: 'an-admin-token-of-our-own', API_KEY_PEPPER: 'a-pepper-of-our-own-0123456789abcdef' };

    it('refuses each published development default by name', () => {
      const raw = { ...base, ADMIN_TOKEN: DEVELOPMENT_SECRETS.ADMIN_TOKEN, API_KEY_PEPPER: DEVELOPMENT_SECRETS.API_KEY_PEPPER };
      expect(() => validateEnv(secrets)(raw)).toThrow(/ADMIN_TOKEN: is the published development default[\s\S]*API_KEY_PEPPER: is the published/);
    });

    it('refuses a missing secret by name', () => {
      expect(() => validateEnv(secrets)({ ...base, API_KEY_PEPPER: own.API_KEY_PEPPER })).toThrow(/ADMIN_TOKEN: is required/);
    });

    it('accepts secrets of its own', () => {
      expect(validateEnv(secrets)({ ...base, ...own }).ADMIN_TOKEN).toBe(own.ADMIN_TOKEN);
    });

    it('leaves alone published values of variables this service does not read', () => {
      expect(validateEnv(secrets)({ ...base, ...own, INTERNAL_TOKEN: DEVELOPMENT_SECRETS.INTERNAL_TOKEN }).ADMIN_TOKEN).toBe(own.ADMIN_TOKEN);
    });

    it('lets development run on the defaults', () => {
      const raw = { KAFKA_BROKERS: 'a:1', ADMIN_TOKEN: DEVELOPMENT_SECRETS.ADMIN_TOKEN, API_KEY_PEPPER: DEVELOPMENT_SECRETS.API_KEY_PEPPER };
      expect(validateEnv(secrets)(raw).NODE_ENV).toBe('development');
    });
  });
});
