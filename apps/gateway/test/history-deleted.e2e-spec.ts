import { Kafka, logLevel } from 'kafkajs';
import { TOPICS } from '@sp/contracts';
import { waitUntil } from '@sp/testing';
import { Admin, Client, System } from './support/system';

/**
 * Kafka's retention deletes old segments; no view may depend on the access topic's history. Here
 * the topic's records are deleted up to its end (what retention does, all at once) and the whole
 * system restarts: the permissions-service resumes from the offsets its database reflects, the
 * gateway loads the permissions-service's snapshot and follows the topic from its offsets, so
 * every key, member and page is kept.
 */
describe('restart after the access topic lost its history', () => {
  const system = new System({ gateway: 3400, keyService: 3401, permissions: 3402, permissionsTcp: 3412, upstream: 3403 });
  const admin = new Admin('http://127.0.0.1:3401');
  const gw = new Client('http://127.0.0.1:3400');
  const org = `hist-${system.run}`;
  const page = `${org}-main`;
  const kafka = new Kafka({ brokers: (process.env.KAFKA_BROKERS ?? '').split(','), logLevel: logLevel.NOTHING });

  beforeAll(async () => {
    await system.start();
  }, 180_000);

  afterAll(async () => {
    await system.stop();
  }, 60_000);

  it('keeps every key, member and page', async () => {
    expect((await admin.put(`/v1/orgs/${org}`, { name: 'History' })).status).toBe(201);
    expect((await admin.put(`/v1/orgs/${org}/status-pages/${page}`, { name: 'Main' })).status).toBe(201);
    expect((await admin.put(`/v1/orgs/${org}/members/ed`, { role: 'editor' })).status).toBe(201);
    const orgKey = await admin.post(`/v1/orgs/${org}/api-keys`, { name: 'ci', access: 'read_write' });
    const userKey = await admin.post(`/v1/orgs/${org}/members/ed/api-keys`, { name: 'ed' });
    expect([orgKey.status, userKey.status]).toEqual([201, 201]);
    const check = async () => ({
      orgKey: (await gw.request('GET', `/v1/status-pages/${page}/incidents`, { key: orgKey.body.key })).status,
      userKey: (await gw.request('POST', `/v1/status-pages/${page}/incidents`, { key: userKey.body.key, body: { title: 'Down', status: 'investigating' } })).status,
      pages: (await gw.request('GET', '/v1/status-pages', { key: orgKey.body.key })).body,
    });
    const expected = { orgKey: 200, userKey: 201, pages: [{ id: page, name: 'Main' }] };
    await waitUntil(async () => JSON.stringify(await check()) === JSON.stringify(expected), 30_000);

    // What retention does: the log's start moves to its end on every partition.
    const admin_ = kafka.admin();
    await admin_.connect();
    const ends = await admin_.fetchTopicOffsets(TOPICS.accessEvents);
    await admin_.deleteTopicRecords({ topic: TOPICS.accessEvents, partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })) });
    const after = await admin_.fetchTopicOffsets(TOPICS.accessEvents);
    await admin_.disconnect();
    process.stdout.write(`${TOPICS.accessEvents} after deletion: ${after.map((p) => `partition ${p.partition} log start ${p.low} end ${p.high}`).join('; ')}\n`);
    for (const p of after) expect(p.low).toBe(p.high);

    const started = Date.now();
    await system.restart();
    process.stdout.write(`system restarted and ready in ${Date.now() - started} ms\n`);
    expect(await check()).toEqual(expected);
    // And it keeps following the topic: a revocation after the restart takes effect.
    const revoked = await admin.del(`/v1/api-keys/${orgKey.body.id}`);
    expect(revoked.status).toBe(200);
    const denied = await gw.request('GET', `/v1/status-pages/${page}/incidents`, { key: orgKey.body.key, token: revoked.body.consistencyToken });
    expect(denied.status).toBe(401);
  }, 180_000);
});
