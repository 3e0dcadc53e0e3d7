import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { TOPICS, type AccessEvent } from '@sp/contracts';
import { ServiceProcess, TopicTap } from '@sp/testing';

/**
 * The lossless outbox under a real crash: the change is written (with its event in the same
 * document) by a process that dies (SIGKILL) before publishing; the next process publishes it.
 */
describe('key-service outbox survives a crash between the write and the publish', () => {
  const brokers = (process.env.KAFKA_BROKERS ?? '').split(',');
  const db = `key_service_crash_${Date.now()}`;
  const org = `crash-${randomUUID().slice(0, 8)}`;
  const admin = { Authorization: `Bearer ${process.env.ADMIN_TOKEN}`, 'content-type': 'application/json' };
  const env = { KEY_SERVICE_DB: db, KEY_SERVICE_PORT: '3111', KEY_USAGE_GROUP: `crash-${randomUUID()}`, OUTBOX_POLL_MS: '100' };
  let tap: TopicTap;
  let service: ServiceProcess;

  beforeAll(async () => {
    if (!process.env.KAFKA_BROKERS || !process.env.MONGODB_URI) throw new Error('run through npm test: KAFKA_BROKERS and MONGODB_URI are required');
    tap = await new TopicTap(brokers, TOPICS.accessEvents).start();
  });

  afterAll(async () => {
    await service?.stop();
    await tap?.stop();
    const conn = await mongoose.createConnection(process.env.MONGODB_URI as string, { dbName: db }).asPromise();
    await conn.dropDatabase();
    await conn.close();
  });

  it('publishes the event after restart, once in effect', async () => {
    service = await new ServiceProcess('key-service', 3111, { ...env, OUTBOX_RELAY_ENABLED: 'false' }).start();
    const put = await fetch(`${service.url}/v1/orgs/${org}`, { method: 'PUT', headers: admin, body: JSON.stringify({ name: 'Crash Co' }) });
    expect(put.status).toBe(201);
    const page = await fetch(`${service.url}/v1/orgs/${org}/status-pages/${org}-p`, { method: 'PUT', headers: admin, body: JSON.stringify({ name: 'P' }) });
    expect(page.status).toBe(201);

    // The write is durable but nothing was published.
    await new Promise((r) => setTimeout(r, 1500));
    expect(tap.messages.filter((m) => m.key === org)).toHaveLength(0);
    const conn = await mongoose.createConnection(process.env.MONGODB_URI as string, { dbName: db }).asPromise();
    const pending = await conn.collection('orgs').findOne({ _id: org as never });
    await conn.close();
    expect(pending).toMatchObject({ outboxPending: true });
    expect(pending?.outbox).toHaveLength(1);

    await service.kill();

    // A new usage consumer group: the killed member would hold the old one until its session times out.
    service = await new ServiceProcess('key-service', 3111, { ...env, KEY_USAGE_GROUP: `crash-${randomUUID()}` }).start();
    const events = (await tap.waitFor((m) => m.key === org, 2)).map((m) => m.json<AccessEvent>());
    const distinct = new Set(events.map((e) => `${e.aggregateId}@${e.aggregateVersion}`));
    expect(distinct).toEqual(new Set([`${org}@1`, `${org}-p@1`]));
    expect(events.find((e) => e.type === 'OrgUpserted')).toMatchObject({ orgId: org, payload: { name: 'Crash Co' } });

    // Once published, the outbox is emptied and nothing is published again.
    await new Promise((r) => setTimeout(r, 1000));
    const after = tap.messages.filter((m) => m.key === org).map((m) => m.json<AccessEvent>().id);
    expect(new Set(after).size).toBe(2);
  });
});
