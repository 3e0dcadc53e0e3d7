import { parseRebuildSettings, UsageError } from './rebuild.options';

const keys = JSON.stringify({ dev: 'x'.repeat(32) });

describe('rebuild-view settings', () => {
  it("defaults to key-service's database and what npm start uses", () => {
    expect(parseRebuildSettings([], {})).toMatchObject({
      from: 'source',
      keep: false,
      KAFKA_BROKERS: ['127.0.0.1:9092'],
      MONGODB_URI: 'mongodb://127.0.0.1:27017',
      KEY_SERVICE_DB: 'key_service',
      PERMISSIONS_DB: 'permissions_service',
    });
  });

  it('takes the environment, and a flag over it', () => {
    const env = { KAFKA_BROKERS: 'a:1,b:2', KEY_SERVICE_DB: 'ks', PERMISSIONS_DB: 'perm' };
    expect(parseRebuildSettings(['--permissions-db', 'other', '--restore', 'perm_restored'], env)).toMatchObject({
      KAFKA_BROKERS: ['a:1', 'b:2'],
      KEY_SERVICE_DB: 'ks',
      PERMISSIONS_DB: 'other',
      restore: 'perm_restored',
    });
  });

  it('asks each mode for its own secret only', () => {
    expect(() => parseRebuildSettings(['--from', 'topic'], {})).toThrow(/EVENT_SIGNING_KEYS: is required.*\(needed by --from topic\)/);
    expect(parseRebuildSettings(['--from', 'topic'], { EVENT_SIGNING_KEYS: keys })).toMatchObject({ EVENT_SIGNING_KEYS: { dev: 'x'.repeat(32) } });
    expect(() => parseRebuildSettings(['--from', 'snapshot'], {})).toThrow(/INTERNAL_TOKEN: is required.*needed by --from snapshot/);
    expect(parseRebuildSettings(['--from', 'snapshot', '--permissions-url', 'http://p:3002'], { INTERNAL_TOKEN: 't'.repeat(16) })).toMatchObject({
      PERMISSIONS_URL: 'http://p:3002',
    });
  });

  it('names every bad setting, its flag and the reason', () => {
    const attempt = () => parseRebuildSettings(['--from', 'kafka', '--restore', 'a.b', '--mongodb-uri', 'http://x'], { KAFKA_BROKERS: 'nope' });
    expect(attempt).toThrow(UsageError);
    expect(attempt).toThrow(/--from: must be source, topic or snapshot[\s\S]*--restore: must be 1-60[\s\S]*KAFKA_BROKERS \(--kafka-brokers\): must be host:port[\s\S]*MONGODB_URI \(--mongodb-uri\): must start with mongodb/);
  });

  it("takes the brokers' SASL and TLS settings as the services do, and says what does not fit", () => {
    const sasl = { KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'ops', KAFKA_SASL_PASSWORD: 'secret' };
    expect(parseRebuildSettings([], sasl)).toMatchObject({ kafka: { brokers: ['127.0.0.1:9092'], sasl: { mechanism: 'scram-sha-512', username: 'ops' } } });
    expect(() => parseRebuildSettings([], { KAFKA_SASL_MECHANISM: 'plain' })).toThrow(/KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD: required/);
    expect(() => parseRebuildSettings([], { KAFKA_SASL_MECHANISM: 'kerberos' })).toThrow(/KAFKA_SASL_MECHANISM/);
  });

  it('refuses unknown flags, positionals and --keep with --restore; --help', () => {
    expect(() => parseRebuildSettings(['--form', 'topic'], {})).toThrow(/Unknown option '--form'[\s\S]*usage:/);
    expect(() => parseRebuildSettings(['topic'], {})).toThrow(UsageError);
    expect(() => parseRebuildSettings(['--restore', 'x', '--keep'], {})).toThrow(/--keep is for a comparison/);
    expect(parseRebuildSettings(['--help'], {})).toBe('help');
  });
});
