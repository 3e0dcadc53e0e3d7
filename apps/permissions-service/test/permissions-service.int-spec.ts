import type { INestApplication } from '@nestjs/common';
import { ClientProxyFactory, Transport, type ClientProxy } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import mongoose from 'mongoose';
import { firstValueFrom } from 'rxjs';
import request from 'supertest';
import { generateApiKey, hashApiKey } from '@sp/api-keys';
import { TOPICS, type AccessEvent } from '@sp/contracts';
import { HttpErrorsFilter } from '@sp/platform';
import { accessEvent, keyCreatedPayload, signedMessage, testEventSigner, TopicTap, waitUntil } from '@sp/testing';
import { rebuildView } from '../src/rebuild/rebuild-view';
import { ViewRepository } from '../src/view/view.repository';

describe('permissions-service (real Kafka + MongoDB-wire database)', () => {
  const brokers = (process.env.KAFKA_BROKERS ?? '').split(',');
  const mongoUri = process.env.MONGODB_URI ?? '';
  const pepper = process.env.API_KEY_PEPPER ?? '';
  const db = `permissions_it_${Date.now()}`;
  const org = `perm-${randomUUID().slice(0, 8)}`;
  const tcpPort = 3112;
  const internal = { Authorization: `Bearer ${process.env.INTERNAL_TOKEN}` };
  let app: INestApplication;
  let producer: Producer;
  let dlq: TopicTap;
  let repo: ViewRepository;
  let tcp: ClientProxy;

  const publish = (events: AccessEvent[]) =>
    producer.send({ topic: TOPICS.accessEvents, acks: -1, messages: events.map((e) => signedMessage(e.orgId, e)) });

  beforeAll(async () => {
    if (!process.env.KAFKA_BROKERS || !mongoUri) throw new Error('run through npm test: KAFKA_BROKERS and MONGODB_URI are required');
    process.env.PERMISSIONS_DB = db;
    process.env.PERMISSIONS_GROUP = `permissions-it.${randomUUID()}`;
    producer = new Kafka({ brokers, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    dlq = await new TopicTap(brokers, TOPICS.accessEventsDeadLetter).start();
    const { AppModule } = await import('../src/app.module');
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication({ logger: ['error'] });
    app.useGlobalFilters(new HttpErrorsFilter());
    app.connectMicroservice({ transport: Transport.TCP, options: { host: '127.0.0.1', port: tcpPort } });
    await app.startAllMicroservices();
    await app.init();
    repo = app.get(ViewRepository);
    tcp = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port: tcpPort } });
    await waitUntil(async () => (await request(app.getHttpServer()).get('/health/ready')).status === 200, 60_000);
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await tcp?.close();
    await dlq?.stop();
    await producer?.disconnect();
    await app?.close();
    const conn = await mongoose.createConnection(mongoUri, { dbName: db }).asPromise();
    await conn.dropDatabase();
    await conn.close();
  });

  it('projects events idempotently: duplicates and older versions are no-ops, revoked stays revoked', async () => {
    const k = `key_${randomUUID().slice(0, 8)}`;
    const created = accessEvent('KeyCreated', org, 1, keyCreatedPayload(k, 'a'.repeat(64)));
    const revoked = accessEvent('KeyRevoked', org, 2, { keyId: k });
    const m2 = accessEvent('MemberUpserted', org, 2, { userId: 'u1', role: 'viewer', pageRoles: [] });
    const m1 = accessEvent('MemberUpserted', org, 1, { userId: 'u1', role: 'owner', pageRoles: [] });
    await publish([created, created, revoked, created, m2, m1, m2]);

    const key = await waitUntil(async () => {
      const [rec] = (await repo.load('key', [k])).values();
      return rec && rec.version === 2 ? rec : null;
    });
    expect(key).toMatchObject({ revoked: true, keyHash: 'a'.repeat(64) });
    await waitUntil(async () => (await repo.member(org, 'u1'))?.version === 2);
    expect(await repo.member(org, 'u1')).toMatchObject({ role: 'viewer', version: 2 });

    // Replaying the creation later changes nothing.
    await publish([created]);
    const marker = accessEvent('OrgUpserted', org, 1, { name: 'marker' });
    await publish([marker]);
    await waitUntil(async () => (await repo.load('org', [org])).size === 1);
    expect((await repo.load('key', [k])).get(k)).toMatchObject({ revoked: true, version: 2 });
  });

  it('dead-letters malformed and schema-invalid messages with the error and original headers, and moves on', async () => {
    const marker = randomUUID();
    const bad = { ...accessEvent('OrgUpserted', org, 5, { name: 'x' }), aggregateVersion: 0 };
    const mismatched = { ...accessEvent('KeyRevoked', org, 9, { keyId: 'key_a' }), aggregateId: 'key_b' };
    const after = accessEvent('StatusPageUpserted', org, 1, { pageId: `${org}-after`, name: 'After' });
    await producer.send({
      topic: TOPICS.accessEvents,
      messages: [
        signedMessage(org, `not json ${marker}`, { 'trace-id': marker }),
        signedMessage(org, JSON.stringify({ ...bad, marker }), { 'trace-id': marker }),
        signedMessage(org, JSON.stringify({ ...mismatched, marker }), { 'trace-id': marker }),
        signedMessage(org, after),
      ],
    });
    const dead = await dlq.waitFor((m) => m.headers['trace-id'] === marker && m.headers['x-dlq-consumer-group'] === process.env.PERMISSIONS_GROUP, 3);
    expect(dead.map((d) => d.headers['x-dlq-error'])).toEqual([
      expect.stringMatching(/^invalid JSON/),
      expect.stringMatching(/^schema: aggregateVersion/),
      expect.stringMatching(/aggregateId key_b does not match the KeyRevoked payload/),
    ]);
    expect(dead[0].value).toBe(`not json ${marker}`);
    expect(dead[0].headers['x-dlq-source-topic']).toBe(TOPICS.accessEvents);
    await waitUntil(async () => (await repo.page(`${org}-after`)) !== null);
  });

  it('dead-letters unsigned and badly signed events (the topic is not a trust root) and applies none of them', async () => {
    const marker = randomUUID();
    const forged = accessEvent('KeyCreated', 'victim-org', 1, keyCreatedPayload(`key_${marker.slice(0, 8)}`, 'f'.repeat(64)));
    const signed = signedMessage(org, forged, { 'trace-id': marker });
    const other = accessEvent('StatusPageUpserted', org, 1, { pageId: `${org}-signed`, name: 'Signed' });
    await producer.send({
      topic: TOPICS.accessEvents,
      messages: [
        { key: org, value: JSON.stringify(forged), headers: { 'trace-id': marker } },
        { ...signed, value: Buffer.from(JSON.stringify({ ...forged, orgId: 'another-victim' })) },
        { key: org, value: signed.value, headers: { 'trace-id': marker, 'x-sp-signature': `other.${testEventSigner().sign(signed.value).split('.')[1]}` } },
        signedMessage(org, other),
      ],
    });
    const dead = await dlq.waitFor((m) => m.headers['trace-id'] === marker && m.headers['x-dlq-consumer-group'] === process.env.PERMISSIONS_GROUP, 3);
    expect(dead.map((d) => d.headers['x-dlq-error'])).toEqual([
      expect.stringMatching(/^signature: missing/),
      'signature: does not match',
      'signature: unknown key id "other"',
    ]);
    await waitUntil(async () => (await repo.page(`${org}-signed`)) !== null);
    expect(await repo.keyByHash('f'.repeat(64))).toBeNull();
  });

  it('never re-binds a key hash to another key, and revokes whatever the versions', async () => {
    const marker = randomUUID();
    const k = `key_${marker.slice(0, 8)}`;
    const hash = 'c'.repeat(64);
    await publish([
      accessEvent('KeyCreated', org, 1, keyCreatedPayload(k, hash)),
      // An inflated version (a producer fault) must not make the real revoke below a no-op.
      accessEvent('KeyRolled', org, 100, { keyId: k, replacedBy: 'key_x', graceEndsAt: '2999-01-01T00:00:00.000Z' }),
    ]);
    await waitUntil(async () => (await repo.load('key', [k])).get(k)?.version === 100);
    const thief = accessEvent('KeyCreated', 'victim-org', 1, keyCreatedPayload(`${k}_thief`, hash));
    // On the owner's partition, so that a replay (the rebuild below) meets the two in the same order.
    await producer.send({ topic: TOPICS.accessEvents, messages: [signedMessage(org, thief, { 'trace-id': marker })] });
    const [dead] = await dlq.waitFor((m) => m.headers['trace-id'] === marker && m.headers['x-dlq-consumer-group'] === process.env.PERMISSIONS_GROUP, 1);
    expect(dead.headers['x-dlq-error']).toMatch(/claims the hash of key .* a hash never re-binds/);
    expect(await repo.keyByHash(hash)).toMatchObject({ keyId: k, orgId: org });

    await publish([accessEvent('KeyRevoked', org, 2, { keyId: k })]);
    await waitUntil(async () => ((await repo.load('key', [k])).get(k) as { revoked?: boolean } | undefined)?.revoked === true);
    expect((await repo.load('key', [k])).get(k)).toMatchObject({ revoked: true, version: 100 });
  });

  it('retries a transient database failure with backoff, without skipping or reordering', async () => {
    const spy = jest.spyOn(ViewRepository.prototype, 'save');
    spy.mockRejectedValueOnce(new Error('simulated: connection reset')).mockRejectedValueOnce(new Error('simulated: not primary'));
    const k = `key_${randomUUID().slice(0, 8)}`;
    await publish([
      accessEvent('KeyCreated', org, 1, keyCreatedPayload(k, 'b'.repeat(64))),
      accessEvent('KeyRolled', org, 2, { keyId: k, replacedBy: 'key_next', graceEndsAt: '2999-01-01T00:00:00.000Z' }),
      accessEvent('KeyRevoked', org, 3, { keyId: k }),
    ]);
    const rec = await waitUntil(async () => (await repo.load('key', [k])).get(k), 30_000);
    expect(spy.mock.calls.length).toBeGreaterThanOrEqual(3);
    expect(rec).toMatchObject({ version: 3, revoked: true, replacedBy: 'key_next', keyHash: 'b'.repeat(64) });
    spy.mockRestore();
  });

  describe('internal authorization', () => {
    const page = `${org}-main`;
    const { key } = generateApiKey('user');
    const keyId = `key_${randomUUID().slice(0, 8)}`;

    beforeAll(async () => {
      await publish([
        accessEvent('StatusPageUpserted', org, 1, { pageId: page, name: 'Main' }),
        accessEvent('MemberUpserted', org, 1, { userId: 'ed', role: 'editor', pageRoles: [] }),
        accessEvent('KeyCreated', org, 1, keyCreatedPayload(keyId, hashApiKey(key, pepper), { type: 'user', userId: 'ed', access: 'read_write', prefix: 'sp_usr_' })),
      ]);
      await waitUntil(async () => (await repo.keyByHash(hashApiKey(key, pepper))) !== null);
    });

    it('answers over HTTP with the engine', async () => {
      const http = () => request(app.getHttpServer()).post('/internal/v1/authorize').set(internal);
      const ok = await http().send({ apiKey: key, permission: 'incident:write', statusPageId: page }).expect(200);
      expect(ok.body).toEqual({ allowed: true, reason: 'allowed', principal: { orgId: org, keyId, type: 'user', userId: 'ed', permissions: null } });
      const denied = await http().send({ apiKey: key, permission: 'subscription:read', statusPageId: page }).expect(200);
      expect(denied.body).toEqual({ allowed: false, reason: 'denied', required: 'subscription:read', principal: null });
      const other = await http().send({ apiKey: key, permission: 'incident:read', orgId: 'another-org', statusPageId: page }).expect(200);
      expect(other.body).toEqual({ allowed: false, reason: 'denied', required: 'incident:read', principal: null });
      const unknown = await http().send({ apiKey: generateApiKey('org').key, permission: 'incident:read' }).expect(200);
      expect(unknown.body).toEqual({ allowed: false, reason: 'denied', required: 'incident:read', principal: null });
      const bad = await http().send({ apiKey: key, permission: 'incident:fly' }).expect(400);
      expect(bad.body.details[0].field).toBe('permission');
      await request(app.getHttpServer()).post('/internal/v1/authorize').send({ apiKey: key, permission: 'incident:read' }).expect(401);
      await request(app.getHttpServer()).post('/internal/v1/authorize').set({ Authorization: 'Bearer nope-nope-nope-nope' }).send({}).expect(401);
    });

    it('answers the `authorize` message pattern over TCP', async () => {
      const internalToken = process.env.INTERNAL_TOKEN as string;
      const ok = await firstValueFrom(tcp.send('authorize', { apiKey: key, permission: 'incident:read', statusPageId: page, internalToken }));
      expect(ok).toMatchObject({ allowed: true, principal: { keyId, userId: 'ed' } });
      const denied = await firstValueFrom(tcp.send('authorize', { apiKey: key, permission: 'member:read', internalToken }));
      expect(denied).toEqual({ allowed: false, reason: 'denied', required: 'member:read', principal: null });
      await expect(firstValueFrom(tcp.send('authorize', { permission: 'incident:read', internalToken }))).rejects.toMatchObject({ error: 'validation_failed' });
    });
  });

  it('rebuilds the view from the topic into an empty database equal to the live one', async () => {
    const marker = accessEvent('StatusPageUpserted', org, 1, { pageId: `${org}-last`, name: 'Last' });
    await publish([marker]);
    await waitUntil(async () => (await repo.page(`${org}-last`)) !== null);
    const report = await rebuildView({ brokers, mongoUri, liveDb: db, signer: testEventSigner(), timeoutMs: 60_000 });
    expect(report.differences).toEqual([]);
    expect(report.equal).toBe(true);
    expect(report.counts.rebuilt.keys).toBeGreaterThan(0);
    expect(report.counts.rebuilt).toEqual(report.counts.live);
  });
});
