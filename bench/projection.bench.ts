/**
 * Storage benchmarks on the local MongoDB-wire engine (or any MONGODB_URI), separate from the
 * gateway benchmarks of bench/run.ts:
 *   1. the permissions-service projection (ProjectionService + ViewRepository): events/s, batched
 *      in the sizes a Kafka fetch hands it, and one event at a time as the baseline;
 *   2. key-service's key-usage audit (AuditLogRepository.recordUsage): events/s by batch, and
 *      end to end through Kafka with the consumer as key-service builds it (BatchConsumer on the
 *      key-usage topic, schema-validated, into the usage log and lastUsedAt).
 * Connections as the services make them (mongooseOptions: pool of MONGODB_MAX_POOL_SIZE, 20).
 *
 * Run on a fresh bench stack (see BENCHMARKS.md for the command); prints a Markdown section.
 * BENCH_PROJECTION_EVENTS (default 20000) and BENCH_USAGE_EVENTS (default 20000) set the sizes.
 */
import { randomUUID } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import { Kafka, logLevel } from 'kafkajs';
import mongoose, { type Connection } from 'mongoose';
import { hashApiKey } from '@sp/api-keys';
import { KEY_USED, keyUsedEventSchema, TOPICS, type AccessEvent, type KeyUsedEvent } from '@sp/contracts';
import { BatchConsumer, KafkaPublisher, mongoEnvSchema, mongooseOptions } from '@sp/platform';
import { accessEvent, keyCreatedPayload } from '@sp/testing';
import { ApiKey, ApiKeySchema } from '../apps/key-service/src/api-keys/api-key.schema';
import { AuditLogRepository } from '../apps/key-service/src/usage/audit-log.repository';
import { AuditEvent, AuditEventSchema, KeyUsage, KeyUsageSchema } from '../apps/key-service/src/usage/audit.schemas';
import { ProjectionService } from '../apps/permissions-service/src/view/projection.service';
import { ViewRepository } from '../apps/permissions-service/src/view/view.repository';

const mongoUri = required('MONGODB_URI');
const brokers = required('KAFKA_BROKERS').split(',');
const env = mongoEnvSchema.parse({ MONGODB_URI: mongoUri, MONGODB_MAX_POOL_SIZE: process.env.MONGODB_MAX_POOL_SIZE });
const PROJECTION_EVENTS = Number(process.env.BENCH_PROJECTION_EVENTS ?? 20_000);
const USAGE_EVENTS = Number(process.env.BENCH_USAGE_EVENTS ?? 20_000);
const pepper = 'bench-pepper-0123456789abcdef0123456789abcdef';

function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: start a stack first (BENCHMARKS.md has the command)`);
  return v;
}

function say(line = ''): void {
  process.stdout.write(`${line}\n`);
}

async function connect(label: string): Promise<Connection> {
  const { uri, ...options } = mongooseOptions(env, `bench_${label}_${Date.now()}`);
  return mongoose.createConnection(uri, options).asPromise();
}

/** Access events of many orgs as key-service publishes them: org, pages, members (changed once), keys (some revoked). */
function accessEvents(n: number): AccessEvent[] {
  const events: AccessEvent[] = [];
  for (let o = 0; events.length < n; o++) {
    const org = `proj-${o}`;
    events.push(accessEvent('OrgUpserted', org, 1, { name: org }));
    for (let p = 0; p < 5; p++) events.push(accessEvent('StatusPageUpserted', org, 1, { pageId: `${org}-p${p}`, name: 'p' }));
    for (let m = 0; m < 5; m++) {
      events.push(accessEvent('MemberUpserted', org, 1, { userId: `u${m}`, role: 'viewer', pageRoles: [] }));
      events.push(accessEvent('MemberUpserted', org, 2, { userId: `u${m}`, role: 'editor', pageRoles: [{ pageId: `${org}-p0`, role: 'owner' }] }));
    }
    for (let k = 0; k < 10; k++) {
      const keyId = `key_${org}_${k}`;
      events.push(accessEvent('KeyCreated', org, 1, keyCreatedPayload(keyId, hashApiKey(keyId, pepper))));
      if (k % 3 === 0) events.push(accessEvent('KeyRevoked', org, 2, { keyId }));
    }
  }
  return events.slice(0, n);
}

async function projection(events: AccessEvent[], batchSize: number, oneByOne = false) {
  const conn = await connect(`proj_${oneByOne ? 'single' : batchSize}`);
  try {
    const repo = new ViewRepository(conn);
    await repo.ensureIndexes();
    const service = new ProjectionService(repo);
    const started = performance.now();
    for (let i = 0; i < events.length; i += batchSize) {
      const batch = events.slice(i, i + batchSize);
      if (oneByOne) await service.projectOneByOne(batch);
      else await service.project(batch);
    }
    const seconds = (performance.now() - started) / 1000;
    return { eventsPerSecond: events.length / seconds, seconds, snapshot: JSON.stringify(await repo.snapshot()) };
  } finally {
    await conn.dropDatabase();
    await conn.close();
  }
}

/** Usage events of 200 keys in 20 orgs, as the gateway publishes them (one per distinct decision per second). */
function usageEvents(n: number): KeyUsedEvent[] {
  const t0 = Date.now() - n;
  return Array.from({ length: n }, (_, i) =>
    keyUsedEventSchema.parse({
      id: randomUUID(), type: KEY_USED, schemaVersion: 1, orgId: `org-${i % 20}`, keyId: `key-${i % 200}`,
      occurredAt: new Date(t0 + i).toISOString(), count: 1 + (i % 5), decision: i % 10 === 0 ? 'deny' : 'allow',
      reason: i % 10 === 0 ? 'insufficient_permissions' : 'allowed', permission: 'incident:read', method: 'GET',
      route: '/v1/status-pages/:pageId/incidents', status: i % 10 === 0 ? 403 : 200, clientIp: '203.0.113.7',
    }),
  );
}

async function usageStore(label: string) {
  const conn = await connect(`usage_${label}`);
  const keys = conn.model(ApiKey.name, ApiKeySchema);
  const usage = conn.model(KeyUsage.name, KeyUsageSchema);
  const lifecycle = conn.model(AuditEvent.name, AuditEventSchema);
  await Promise.all([keys.init(), usage.init(), lifecycle.init()]);
  await keys.collection.insertMany(
    Array.from({ length: 200 }, (_, k) => ({ _id: `key-${k}`, orgId: `org-${k % 20}`, keyHash: `h${k}`, lastUsedAt: null, version: 1, outbox: [] })) as never[],
  );
  const audit = new AuditLogRepository(lifecycle, usage, keys);
  const close = async () => {
    await conn.dropDatabase();
    await conn.close();
  };
  return { audit, usage, close };
}

async function usageDirect(events: KeyUsedEvent[], batchSize: number) {
  const { audit, usage, close } = await usageStore(`direct_${batchSize}`);
  try {
    const started = performance.now();
    for (let i = 0; i < events.length; i += batchSize) await audit.recordUsage(events.slice(i, i + batchSize));
    const seconds = (performance.now() - started) / 1000;
    const stored = await usage.countDocuments({});
    if (stored !== events.length) throw new Error(`stored ${stored} of ${events.length} usage events`);
    return { eventsPerSecond: events.length / seconds, seconds };
  } finally {
    await close();
  }
}

/** Produces the events to the key-usage topic, then times the consumer from its start until every event is stored. */
async function usageThroughKafka(events: KeyUsedEvent[]) {
  const { audit, usage, close } = await usageStore('kafka');
  const publisher = new KafkaPublisher(brokers, 'bench-usage');
  await publisher.connect();
  const producer = new Kafka({ brokers, clientId: 'bench-usage-producer', logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  for (let i = 0; i < events.length; i += 1000) {
    await producer.send({ topic: TOPICS.keyUsage, messages: events.slice(i, i + 1000).map((e) => ({ key: e.keyId, value: JSON.stringify(e) })) });
  }
  await producer.disconnect();
  let stored = 0;
  let batches = 0;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const consumer = new BatchConsumer<KeyUsedEvent>({
    brokers, clientId: 'bench-usage', groupId: `bench-usage-${randomUUID()}`, topic: TOPICS.keyUsage,
    deadLetterTopic: TOPICS.keyUsageDeadLetter, fromBeginning: true, schema: keyUsedEventSchema, publisher,
    handle: async (messages) => {
      await audit.recordUsage(messages.map((m) => m.value));
      stored += messages.length;
      batches++;
      if (stored >= events.length) done();
    },
  });
  try {
    const started = performance.now();
    await consumer.start();
    await finished;
    const seconds = (performance.now() - started) / 1000;
    const count = await usage.countDocuments({});
    if (count !== events.length) throw new Error(`stored ${count} of ${events.length} usage events`);
    return { eventsPerSecond: events.length / seconds, seconds, meanBatch: stored / batches };
  } finally {
    await consumer.stop();
    await publisher.onApplicationShutdown();
    await close();
  }
}

async function engineName(): Promise<string> {
  const conn = await connect('hello');
  try {
    const hello = await conn.db?.admin().command({ isMaster: 1 });
    const build = await conn.db?.admin().command({ buildInfo: 1 }).catch(() => null);
    return `${build?.version ? `version ${build.version}, ` : ''}maxWireVersion ${hello?.maxWireVersion}`;
  } finally {
    await conn.dropDatabase();
    await conn.close();
  }
}

async function main(): Promise<void> {
  say(`## Storage benchmarks (${new Date().toISOString().slice(0, 10)})`);
  say();
  say(`Machine: ${cpus().length} x ${cpus()[0]?.model ?? 'CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}. ` +
    `Database: ${mongoUri} (${await engineName()}), pool of ${env.MONGODB_MAX_POOL_SIZE}.`);
  say();

  const events = accessEvents(PROJECTION_EVENTS);
  await projection(events.slice(0, 2000), 100); // warm-up (JIT of both sides), not reported
  say(`### Projection (permissions-service view, ${events.length} access events)`);
  say();
  say('| path | events/s | seconds |');
  say('|---|---|---|');
  let reference: string | null = null;
  for (const size of [20, 100, 500]) {
    const r = await projection(events, size);
    if (reference !== null && r.snapshot !== reference) throw new Error('batch sizes built different views');
    reference = r.snapshot;
    say(`| batched, ${size} per batch (one read + one bulk write per record kind) | ${r.eventsPerSecond.toFixed(0)} | ${r.seconds.toFixed(2)} |`);
  }
  const baseline = events.slice(0, Math.min(events.length, 3000));
  const single = await projection(baseline, 500, true);
  say(`| one read + one write per event (first ${baseline.length} events) | ${single.eventsPerSecond.toFixed(0)} | ${single.seconds.toFixed(2)} |`);
  say();
  say('Goal: batched >= 5000 events/s. All batch sizes built the same view.');
  say();

  const usage = usageEvents(USAGE_EVENTS);
  await usageDirect(usage.slice(0, 2000), 100); // warm-up
  say(`### Key-usage audit (key-service usage log + lastUsedAt, ${usage.length} events of 200 keys)`);
  say();
  say('| path | events/s | seconds |');
  say('|---|---|---|');
  for (const size of [100, 500]) {
    const r = await usageDirect(usage, size);
    say(`| AuditLogRepository.recordUsage, ${size} per batch | ${r.eventsPerSecond.toFixed(0)} | ${r.seconds.toFixed(2)} |`);
  }
  const kafka = await usageThroughKafka(usage);
  say(`| through Kafka: key-usage topic -> BatchConsumer (validated) -> recordUsage (mean batch ${kafka.meanBatch.toFixed(0)}) | ${kafka.eventsPerSecond.toFixed(0)} | ${kafka.seconds.toFixed(2)} |`);
  say();
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
