import { readFileSync } from 'node:fs';
import { connect as netConnect, isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { ISocketFactory, KafkaConfig, SASLOptions } from 'kafkajs';
import { z } from 'zod';

/** Where the brokers are and how to authenticate to them (TLS, SASL): what every Kafka client of a service shares. */
export interface KafkaConnection {
  brokers: string[];
  ssl?: KafkaConfig['ssl'];
  sasl?: SASLOptions;
}

const flag = z.enum(['true', 'false']).transform((v) => v === 'true');

/**
 * The TLS and SASL variables (commonEnvSchema). Unset, clients speak plaintext without
 * authentication, as the local stack's broker expects; production clusters should set them, so the
 * brokers' ACLs can tell key-service (the one writer of the access topic) from everyone else.
 */
export const kafkaSecurityEnvShape = {
  KAFKA_SSL: flag.default(false),
  /** PEM files; a CA to trust instead of the system's, and a client certificate and key for mutual TLS. */
  KAFKA_SSL_CA_FILE: z.string().min(1).optional(),
  KAFKA_SSL_CERT_FILE: z.string().min(1).optional(),
  KAFKA_SSL_KEY_FILE: z.string().min(1).optional(),
  KAFKA_SSL_REJECT_UNAUTHORIZED: flag.default(true),
  KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512']).optional(),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
};

export type KafkaSecurityEnv = z.infer<z.ZodObject<typeof kafkaSecurityEnvShape>>;

/**
 * The kafkajs settings for these variables; throws, naming the variable, when they do not fit
 * together (a mechanism without credentials, a certificate without its key, an unreadable file).
 */
export function kafkaSecurity(env: KafkaSecurityEnv): Omit<KafkaConnection, 'brokers'> {
  const out: Omit<KafkaConnection, 'brokers'> = {};
  const read = (name: 'KAFKA_SSL_CA_FILE' | 'KAFKA_SSL_CERT_FILE' | 'KAFKA_SSL_KEY_FILE'): string | undefined => {
    const path = env[name];
    if (path === undefined) return undefined;
    try {
      return readFileSync(path, 'utf8');
    } catch (err) {
      throw new Error(`${name}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  };
  const tlsFiles = env.KAFKA_SSL_CA_FILE ?? env.KAFKA_SSL_CERT_FILE ?? env.KAFKA_SSL_KEY_FILE;
  if (tlsFiles !== undefined && !env.KAFKA_SSL) throw new Error('KAFKA_SSL: must be true when a KAFKA_SSL_*_FILE is set');
  if ((env.KAFKA_SSL_CERT_FILE === undefined) !== (env.KAFKA_SSL_KEY_FILE === undefined)) {
    throw new Error('KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE: set both (mutual TLS) or neither');
  }
  if (env.KAFKA_SSL) {
    const ca = read('KAFKA_SSL_CA_FILE');
    const cert = read('KAFKA_SSL_CERT_FILE');
    const key = read('KAFKA_SSL_KEY_FILE');
    out.ssl = { rejectUnauthorized: env.KAFKA_SSL_REJECT_UNAUTHORIZED, ...(ca ? { ca: [ca] } : {}), ...(cert ? { cert } : {}), ...(key ? { key } : {}) };
  }
  const mechanism = env.KAFKA_SASL_MECHANISM;
  if (mechanism !== undefined) {
    const { KAFKA_SASL_USERNAME: username, KAFKA_SASL_PASSWORD: password } = env;
    if (username === undefined || password === undefined) throw new Error(`KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD: required with KAFKA_SASL_MECHANISM=${mechanism}`);
    out.sasl = { mechanism, username, password } as SASLOptions;
  } else if (env.KAFKA_SASL_USERNAME !== undefined || env.KAFKA_SASL_PASSWORD !== undefined) {
    throw new Error('KAFKA_SASL_MECHANISM: required when KAFKA_SASL_USERNAME or KAFKA_SASL_PASSWORD is set');
  }
  return out;
}

/** The service's brokers and security settings from its validated configuration. */
export function kafkaConnection(config: { get(name: string): unknown }): KafkaConnection {
  const env = Object.fromEntries(Object.keys(kafkaSecurityEnvShape).map((name) => [name, config.get(name)])) as KafkaSecurityEnv;
  return { brokers: config.get('KAFKA_BROKERS') as string[], ...kafkaSecurity(env) };
}

/** A plain broker list (tests, tools on the local stack) or a whole connection. */
export type KafkaTarget = string[] | KafkaConnection;

/**
 * kafkajs's own socket factory (TLS with SNI for host names, keep-alive after 60 s) with Nagle's
 * algorithm off. kafkajs leaves it on, so a small request written while the broker still holds the
 * ACK of the previous one (Linux delays ACKs up to 40 ms) waits for it: a revocation's event then
 * took up to ~40 ms more to reach an idle gateway (BENCHMARKS.md, (c)).
 */
export const noDelaySocketFactory: ISocketFactory = ({ host, port, ssl, onConnect }) => {
  const socket = ssl
    ? tlsConnect({ host, port, ...(isIP(host) ? {} : { servername: host }), ...ssl }, onConnect)
    : netConnect({ host, port }, onConnect);
  socket.setNoDelay(true);
  socket.setKeepAlive(true, 60_000);
  return socket;
};

/** The kafkajs client settings for a target: its brokers, TLS and SASL, and sockets without Nagle's delay. */
export function kafkaClientSettings(target: KafkaTarget): KafkaConnection & { socketFactory: ISocketFactory } {
  return { ...(Array.isArray(target) ? { brokers: target } : target), socketFactory: noDelaySocketFactory };
}
