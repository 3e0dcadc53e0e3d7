import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, Socket, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { z } from 'zod';
import { kafkaClientSettings, kafkaConnection, kafkaSecurity, kafkaSecurityEnvShape, noDelaySocketFactory } from './kafka-connection';

const env = (raw: Record<string, string>) => z.object(kafkaSecurityEnvShape).parse(raw);

describe('kafkaSecurity', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kafka-tls-'));
  const ca = join(dir, 'ca.pem');
  writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n');

  it('is plaintext without authentication when nothing is set (the local stack)', () => {
    expect(kafkaSecurity(env({}))).toEqual({});
  });

  it('maps SASL and TLS settings to kafkajs options, reading the PEM files', () => {
    const out = kafkaSecurity(env({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: ca, KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'key-service', KAFKA_SASL_PASSWORD: 's3cret' }));
    expect(out).toEqual({
      ssl: { rejectUnauthorized: true, ca: [expect.stringContaining('BEGIN CERTIFICATE')] },
      sasl: { mechanism: 'scram-sha-512', username: 'key-service', password: 's3cret' },
    });
    expect(kafkaSecurity(env({ KAFKA_SSL: 'true', KAFKA_SSL_REJECT_UNAUTHORIZED: 'false' }))).toEqual({ ssl: { rejectUnauthorized: false } });
  });

  it.each([
    [{ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u' }, /KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD: required/],
    [{ KAFKA_SASL_PASSWORD: 'p' }, /KAFKA_SASL_MECHANISM: required/],
    [{ KAFKA_SSL_CA_FILE: '/x.pem' }, /KAFKA_SSL: must be true/],
    [{ KAFKA_SSL: 'true', KAFKA_SSL_CERT_FILE: '/x.pem' }, /set both/],
    [{ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/nonexistent/ca.pem' }, /KAFKA_SSL_CA_FILE: cannot read \/nonexistent\/ca.pem \(ENOENT\)/],
  ])('refuses %j, naming the variable', (raw, message) => {
    expect(() => kafkaSecurity(env(raw as Record<string, string>))).toThrow(message);
  });

  it('refuses an unknown mechanism or a flag that is not true/false at validation', () => {
    expect(z.object(kafkaSecurityEnvShape).safeParse({ KAFKA_SASL_MECHANISM: 'gssapi' }).success).toBe(false);
    expect(z.object(kafkaSecurityEnvShape).safeParse({ KAFKA_SSL: 'yes' }).success).toBe(false);
  });

  it('builds a service connection from its configuration, and takes plain broker lists as they are', () => {
    const values: Record<string, unknown> = { KAFKA_BROKERS: ['k1:9092'], ...env({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' }) };
    const connection = kafkaConnection({ get: (name) => values[name] });
    expect(connection).toEqual({ brokers: ['k1:9092'], sasl: { mechanism: 'plain', username: 'u', password: 'p' } });
    expect(kafkaClientSettings(connection)).toEqual({ ...connection, socketFactory: noDelaySocketFactory });
    expect(kafkaClientSettings(['a:1'])).toEqual({ brokers: ['a:1'], socketFactory: noDelaySocketFactory });
  });
});

describe('noDelaySocketFactory', () => {
  it('connects with Nagle\'s algorithm off (kafkajs leaves it on) and keep-alive on', async () => {
    const server = createServer((s) => s.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const noDelay = jest.spyOn(Socket.prototype, 'setNoDelay');
    const keepAlive = jest.spyOn(Socket.prototype, 'setKeepAlive');
    try {
      const socket = await new Promise<Socket>((resolve) => {
        const s = noDelaySocketFactory({ host: '127.0.0.1', port, ssl: null as never, onConnect: () => resolve(s) });
      });
      expect(noDelay.mock.contexts).toContain(socket);
      expect(noDelay).toHaveBeenCalledWith(true);
      expect(keepAlive).toHaveBeenCalledWith(true, 60_000);
      socket.destroy();
    } finally {
      noDelay.mockRestore();
      keepAlive.mockRestore();
      server.close();
    }
  });
});
