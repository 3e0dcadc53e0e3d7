import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import mongoose, { type Connection } from 'mongoose';
import request from 'supertest';
import { HttpErrorsFilter } from '@sp/platform';
import { waitUntil } from '@sp/testing';
import { UsageRetention } from '../src/usage/usage-retention.service';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Storage that does not grow forever, on the real engine: the usage log and the audit log keep
 * USAGE_RETENTION_DAYS (a TTL index for MongoDB and a prune by date that every engine honours),
 * and the outbox keeps no event once it is published.
 */
describe('key-service bounded storage (real MongoDB-wire database)', () => {
  const db = `key_service_retention_${Date.now()}`;
  const auth = { Authorization: `Bearer ${process.env.ADMIN_TOKEN}` };
  const org = `ret-${randomUUID().slice(0, 8)}`;
  let app: INestApplication;
  let conn: Connection;

  beforeAll(async () => {
    if (!process.env.KAFKA_BROKERS || !process.env.MONGODB_URI) throw new Error('run through npm test: KAFKA_BROKERS and MONGODB_URI are required');
    process.env.KEY_SERVICE_DB = db;
    process.env.KEY_USAGE_GROUP = `key-service-retention.${randomUUID()}`;
    process.env.OUTBOX_POLL_MS = '100';
    process.env.USAGE_RETENTION_DAYS = '7';
    const { AppModule } = await import('../src/app.module');
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication({ logger: ['error'] });
    app.useGlobalFilters(new HttpErrorsFilter());
    await app.init();
    conn = await mongoose.createConnection(process.env.MONGODB_URI, { dbName: db }).asPromise();
  });

  afterAll(async () => {
    await app?.close();
    await conn?.dropDatabase();
    await conn?.close();
  });

  it('declares a TTL index of USAGE_RETENTION_DAYS on both logs (MongoDB enforces it)', async () => {
    for (const name of ['key_usage', 'audit_events']) {
      await waitUntil(async () => (await conn.collection(name).indexes()).some((i) => i.name === 'occurredAt_retention'), 10_000);
      const ttl = (await conn.collection(name).indexes()).find((i) => i.name === 'occurredAt_retention');
      expect(ttl).toMatchObject({ key: { occurredAt: 1 }, expireAfterSeconds: 7 * 24 * 60 * 60 });
    }
  });

  it('prunes usage and audit entries older than the retention, and only those', async () => {
    const now = new Date();
    const at = (daysAgo: number) => new Date(now.getTime() - daysAgo * DAY_MS);
    const usage = (id: string, occurredAt: Date) => ({
      _id: id, orgId: org, keyId: `${org}-k`, occurredAt, firstOccurredAt: occurredAt, count: 1, decision: 'allow',
      reason: 'allowed', permission: 'incident:read', method: 'GET', route: '/v1/status-pages/:pageId', status: 200, clientIp: null,
    });
    const audit = (id: string, occurredAt: Date) => ({
      _id: id, orgId: org, type: 'OrgUpserted', aggregateId: org, aggregateVersion: 1, actor: null, occurredAt, details: {},
    });
    await conn.collection('key_usage').insertMany(
      [usage('u-old', at(30)), usage('u-edge', at(7.01)), usage('u-recent', at(6.99)), usage('u-new', at(0))] as never[],
    );
    await conn.collection('audit_events').insertMany([audit('a-old', at(8)), audit('a-new', at(1))] as never[]);

    const removed = await app.get(UsageRetention).prune(now);

    expect(removed).toEqual({ usage: 2, audit: 1 });
    const ids = async (name: string) => (await conn.collection(name).find({ orgId: org }).toArray()).map((d) => d._id).sort();
    expect(await ids('key_usage')).toEqual(['u-new', 'u-recent']);
    expect(await ids('audit_events')).toEqual(['a-new']);
    // What is left is what the admin API shows; a second prune finds nothing more.
    expect(await app.get(UsageRetention).prune(now)).toEqual({ usage: 0, audit: 0 });
  });

  it('keeps no published event in the outbox of any aggregate', async () => {
    await request(app.getHttpServer()).put(`/v1/orgs/${org}`).set(auth).send({ name: 'Retention Co' }).expect(201);
    await request(app.getHttpServer()).put(`/v1/orgs/${org}/status-pages/${org}-p`).set(auth).send({ name: 'P' }).expect(201);
    await request(app.getHttpServer()).put(`/v1/orgs/${org}/members/u1`).set(auth).send({ role: 'editor' }).expect(201);
    await request(app.getHttpServer()).put(`/v1/orgs/${org}/members/u1`).set(auth).send({ role: 'viewer' }).expect(200);
    const key = await request(app.getHttpServer()).post(`/v1/orgs/${org}/api-keys`).set(auth).send({ name: 'ci', access: 'read' }).expect(201);
    await request(app.getHttpServer()).delete(`/v1/api-keys/${key.body.id}`).set(auth).expect((r) => expect(r.status).toBeLessThan(300));

    const collections = ['orgs', 'status_pages', 'members', 'api_keys'];
    const leftovers = async () => {
      let count = 0;
      for (const name of collections) count += await conn.collection(name).countDocuments({ $or: [{ outboxPending: true }, { 'outbox.0': { $exists: true } }] });
      return count;
    };
    await waitUntil(async () => (await leftovers()) === 0, 15_000);
    expect(await leftovers()).toBe(0);
    // Every aggregate written is there, each with an empty outbox.
    for (const name of collections) {
      const docs = await conn.collection(name).find({}).toArray();
      expect(docs.length).toBeGreaterThan(0);
      for (const doc of docs) expect(doc).toMatchObject({ outbox: [], outboxPending: false });
    }
  });
});
