import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import mongoose from 'mongoose';
import request from 'supertest';
import { API_KEY_LENGTH, hashApiKey, parseApiKey } from '@sp/api-keys';
import { decodeConsistencyToken, TOPICS, type AccessEvent } from '@sp/contracts';
import { HttpErrorsFilter } from '@sp/platform';
import { TopicTap, waitUntil } from '@sp/testing';

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run through npm test (tools/run.sh), which starts the local stack`);
  return v;
};

describe('key-service (real Kafka + MongoDB-wire database)', () => {
  const brokers = env('KAFKA_BROKERS').split(',');
  const db = `key_service_it_${Date.now()}`;
  const auth = { Authorization: `Bearer ${env('ADMIN_TOKEN')}` };
  const org = `org-${randomUUID().slice(0, 8)}`;
  const otherOrg = `${org}-b`;
  let app: INestApplication;
  let access: TopicTap;
  let usageDlq: TopicTap;
  let producer: Producer;
  const api = () => request(app.getHttpServer());
  const eventsOf = (aggregateId: string) =>
    access.messages.map((m) => m.json<AccessEvent>()).filter((e) => e.aggregateId === aggregateId);

  beforeAll(async () => {
    process.env.KEY_SERVICE_DB = db;
    process.env.KEY_USAGE_GROUP = `key-service-it.${randomUUID()}`;
    process.env.OUTBOX_POLL_MS = '100';
    access = await new TopicTap(brokers, TOPICS.accessEvents).start();
    usageDlq = await new TopicTap(brokers, TOPICS.keyUsageDeadLetter).start();
    const { AppModule } = await import('../src/app.module');
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication({ logger: ['error'] });
    app.useGlobalFilters(new HttpErrorsFilter());
    app.enableShutdownHooks();
    await app.init();
    producer = new Kafka({ brokers, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();

    await api().put(`/v1/orgs/${org}`).set(auth).send({ name: 'Acme' }).expect(201);
    await api().put(`/v1/orgs/${otherOrg}`).set(auth).send({ name: 'Other' }).expect(201);
    await api().put(`/v1/orgs/${org}/status-pages/${org}-p1`).set(auth).send({ name: 'Main' }).expect(201);
    await api().put(`/v1/orgs/${org}/status-pages/${org}-p2`).set(auth).send({ name: 'Docs' }).expect(201);
    await api().put(`/v1/orgs/${otherOrg}/status-pages/${otherOrg}-p1`).set(auth).send({ name: 'Theirs' }).expect(201);
  });

  afterAll(async () => {
    await producer?.disconnect();
    await access?.stop();
    await usageDlq?.stop();
    await app?.close();
    const conn = await mongoose.createConnection(env('MONGODB_URI'), { dbName: db }).asPromise();
    await conn.dropDatabase();
    await conn.close();
  });

  describe('admin authentication', () => {
    it('answers 401 without or with a wrong token', async () => {
      await api().get(`/v1/orgs/${org}/api-keys`).expect(401, { error: 'unauthorized', message: 'a valid admin bearer token is required' });
      await api().get(`/v1/orgs/${org}/api-keys`).set({ Authorization: 'Bearer wrong-token-wrong-token' }).expect(401);
      await api().get(`/v1/orgs/${org}/api-keys`).set({ Authorization: `Basic ${env('ADMIN_TOKEN')}` }).expect(401);
    });
  });

  describe('orgs and status pages', () => {
    it('creates (201), renames (200) and answers unchanged upserts without a new event', async () => {
      const id = `${org}-x`;
      const created = await api().put(`/v1/orgs/${id}`).set(auth).send({ name: 'X' }).expect(201);
      expect(created.body).toMatchObject({ id, name: 'X', version: 1 });
      const renamed = await api().put(`/v1/orgs/${id}`).set(auth).send({ name: 'Y' }).expect(200);
      expect(renamed.body.version).toBe(2);
      expect(decodeConsistencyToken(renamed.body.consistencyToken)).toEqual({ orgId: id, aggregateId: id, aggregateVersion: 2 });
      const same = await api().put(`/v1/orgs/${id}`).set(auth).send({ name: 'Y' }).expect(200);
      expect(same.body.version).toBe(2);
      const events = await access.waitFor((m) => m.key === id, 2);
      expect(events.map((m) => m.json<AccessEvent>().aggregateVersion)).toEqual([1, 2]);
    });

    it('rejects bad names, bad ids and malformed JSON with the field', async () => {
      const r1 = await api().put(`/v1/orgs/${org}`).set(auth).send({}).expect(400);
      expect(r1.body.details).toEqual([{ field: 'name', reason: 'is required and must be a string' }]);
      const r2 = await api().put(`/v1/orgs/${org}`).set(auth).send({ name: '' }).expect(400);
      expect(r2.body.details[0].field).toBe('name');
      const r3 = await api().put('/v1/orgs/bad.id').set(auth).send({ name: 'x' }).expect(400);
      expect(r3.body.details[0].field).toBe('orgId');
      const r4 = await api().put(`/v1/orgs/${org}`).set(auth).set('content-type', 'application/json').send('{"name":').expect(400);
      expect(r4.body).toMatchObject({ error: 'validation_failed', details: [{ field: '(body)', reason: 'malformed JSON' }] });
    });

    it('404 for pages of unknown orgs, 409 for a page id of another org, idempotent removal', async () => {
      await api().put('/v1/orgs/nope-org/status-pages/p').set(auth).send({ name: 'x' }).expect(404);
      await api().put(`/v1/orgs/${org}/status-pages/${otherOrg}-p1`).set(auth).send({ name: 'steal' }).expect(409);
      const page = `${org}-gone`;
      await api().put(`/v1/orgs/${org}/status-pages/${page}`).set(auth).send({ name: 'Gone' }).expect(201);
      const first = await api().delete(`/v1/orgs/${org}/status-pages/${page}`).set(auth).expect(200);
      const second = await api().delete(`/v1/orgs/${org}/status-pages/${page}`).set(auth).expect(200);
      expect(first.body).toMatchObject({ removed: true, version: 2 });
      expect(second.body.version).toBe(2);
      await api().delete(`/v1/orgs/${org}/status-pages/never`).set(auth).expect(404);
      await api().delete(`/v1/orgs/${otherOrg}/status-pages/${org}-p1`).set(auth).expect(404);
    });
  });

  describe('members', () => {
    it('upserts org and page roles and removes members', async () => {
      const r = await api().put(`/v1/orgs/${org}/members/u1`).set(auth).send({ role: 'viewer', pageRoles: { [`${org}-p1`]: 'editor' } }).expect(201);
      expect(r.body).toMatchObject({ userId: 'u1', role: 'viewer', pageRoles: { [`${org}-p1`]: 'editor' }, removed: false });
      await api().put(`/v1/orgs/${org}/members/u1`).set(auth).send({ role: 'admin' }).expect(200);
      await api().put(`/v1/orgs/${org}/members/u2`).set(auth).send({ pageRoles: { [`${org}-p2`]: 'viewer' } }).expect(201);
      const removed = await api().delete(`/v1/orgs/${org}/members/u2`).set(auth).expect(200);
      expect(removed.body.removed).toBe(true);
      await api().delete(`/v1/orgs/${org}/members/nobody`).set(auth).expect(404);
      const events = await access.waitFor((m) => m.json<AccessEvent>().aggregateId === `${org}/u2`, 2);
      expect(events.map((m) => m.json<AccessEvent>().type)).toEqual(['MemberUpserted', 'MemberRemoved']);
    });

    it('rejects unknown roles, billing at page level, pages of other orgs and memberships without a role', async () => {
      const bad = async (body: object, field: string, reason: RegExp) => {
        const r = await api().put(`/v1/orgs/${org}/members/u9`).set(auth).send(body).expect(400);
        expect(r.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field, reason: expect.stringMatching(reason) })]));
      };
      await bad({ role: 'god' }, 'role', /must be one of owner, admin, editor, viewer, billing/);
      await bad({ pageRoles: { [`${org}-p1`]: 'billing' } }, `pageRoles.${org}-p1`, /billing is an org-level role only/);
      await bad({ pageRoles: { [`${otherOrg}-p1`]: 'viewer' } }, `pageRoles.${otherOrg}-p1`, /is not a status page of org/);
      await bad({}, 'role', /needs an org role or at least one page role/);
      await bad({ role: 'viewer', pageRoles: ['x'] }, 'pageRoles', /./);
      await api().put('/v1/orgs/nope-org/members/u1').set(auth).send({ role: 'viewer' }).expect(404);
    });
  });

  describe('api keys', () => {
    it('creates an org key (read by default) whose plaintext is returned once and never stored', async () => {
      const r = await api().post(`/v1/orgs/${org}/api-keys`).set(auth).send({ name: 'ci' }).expect(201);
      const { key, id } = r.body;
      expect(key).toHaveLength(API_KEY_LENGTH);
      expect(parseApiKey(key)).toBe('org');
      expect(r.body).toMatchObject({ type: 'org', access: 'read', status: 'active', prefix: 'sp_org_', last4: key.slice(-4), statusPageIds: null });
      expect(r.body).not.toHaveProperty('keyHash');

      const meta = await api().get(`/v1/api-keys/${id}`).set(auth).expect(200);
      const list = await api().get(`/v1/orgs/${org}/api-keys`).set(auth).expect(200);
      const hash = hashApiKey(key, env('API_KEY_PEPPER'));
      for (const text of [JSON.stringify(meta.body), JSON.stringify(list.body)]) {
        expect(text).not.toContain(key);
        expect(text).not.toContain(hash);
      }
      expect(list.body.map((k: { id: string }) => k.id)).toContain(id);

      const [created] = await access.waitFor((m) => m.json<AccessEvent>().aggregateId === id);
      expect(created.key).toBe(org);
      expect(created.value).not.toContain(key);
      expect(created.json<AccessEvent>()).toMatchObject({ type: 'KeyCreated', aggregateVersion: 1, actor: { type: 'admin' }, payload: { keyHash: hash } });

      const conn = await mongoose.createConnection(env('MONGODB_URI'), { dbName: db }).asPromise();
      const stored = JSON.stringify(await conn.collection('api_keys').find({}).toArray());
      await conn.close();
      expect(stored).not.toContain(key);
    });

    it('creates narrowed user keys for active members only', async () => {
      await api().put(`/v1/orgs/${org}/members/u3`).set(auth).send({ role: 'editor' }).expect(201);
      const r = await api()
        .post(`/v1/orgs/${org}/members/u3/api-keys`)
        .set(auth)
        .send({ name: 'mine', access: 'read', statusPageIds: [`${org}-p1`], allowedIps: ['10.0.0.0/8', '2001:db8::/32'], expiresAt: '2999-01-01T00:00:00Z' })
        .expect(201);
      expect(parseApiKey(r.body.key)).toBe('user');
      expect(r.body).toMatchObject({ type: 'user', userId: 'u3', access: 'read', statusPageIds: [`${org}-p1`], allowedIps: ['10.0.0.0/8', '2001:db8::/32'] });
      await api().post(`/v1/orgs/${org}/members/ghost/api-keys`).set(auth).send({ name: 'x' }).expect(404);
      await api().post(`/v1/orgs/${org}/members/u2/api-keys`).set(auth).send({ name: 'x' }).expect(404); // removed member
      await api().post('/v1/orgs/nope-org/api-keys').set(auth).send({ name: 'x' }).expect(404);
    });

    it.each([
      [{ name: 'x', access: 'admin' }, 'access', /must be one of read, read_write/],
      [{ access: 'read' }, 'name', /is required/],
      [{ name: 'x', statusPageIds: 'p1' }, 'statusPageIds', /must be an array/],
      [{ name: 'x', expiresAt: 'next week' }, 'expiresAt', /ISO 8601/],
      [{ name: 'x', expiresAt: '2001-01-01T00:00:00Z' }, 'expiresAt', /must be in the future/],
      [{ name: 'x', allowedIps: ['10.0.0.0/33'] }, 'allowedIps.0', /not a valid IPv4\/IPv6/],
      [{ name: 'x', allowedIps: ['2001:db8::/200'] }, 'allowedIps.0', /not a valid IPv4\/IPv6/],
      [{ name: 'x', allowedIps: '10.0.0.1' }, 'allowedIps', /must be an array/],
    ])('rejects %j naming %s', async (body, field, reason) => {
      const r = await api().post(`/v1/orgs/${org}/api-keys`).set(auth).send(body).expect(400);
      expect(r.body.error).toBe('validation_failed');
      expect(r.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field, reason: expect.stringMatching(reason) })]));
    });

    it('rejects status pages of another org and malformed JSON', async () => {
      const r = await api().post(`/v1/orgs/${org}/api-keys`).set(auth).send({ name: 'x', statusPageIds: [`${org}-p1`, `${otherOrg}-p1`] }).expect(400);
      expect(r.body.details).toEqual([{ field: 'statusPageIds[1]', reason: `${otherOrg}-p1 is not a status page of org ${org}` }]);
      await api().post(`/v1/orgs/${org}/api-keys`).set(auth).set('content-type', 'application/json').send('{nope').expect(400);
      await api().get('/v1/api-keys/key_unknown').set(auth).expect(404);
      await api().delete('/v1/api-keys/key_unknown').set(auth).expect(404);
      await api().post('/v1/api-keys/key_unknown/roll').set(auth).send({}).expect(404);
    });

    it('revokes idempotently: a state, one event', async () => {
      const { body } = await api().post(`/v1/orgs/${org}/api-keys`).set(auth).send({ name: 'to-revoke' }).expect(201);
      const a = await api().delete(`/v1/api-keys/${body.id}`).set(auth).expect(200);
      const b = await api().delete(`/v1/api-keys/${body.id}`).set(auth).expect(200);
      expect(a.body).toMatchObject({ status: 'revoked', version: 2 });
      expect(b.body).toMatchObject({ status: 'revoked', version: 2, revokedAt: a.body.revokedAt });
      await access.waitFor((m) => m.json<AccessEvent>().aggregateId === body.id, 2);
      await new Promise((r) => setTimeout(r, 500));
      expect(eventsOf(body.id).map((e) => e.type)).toEqual(['KeyCreated', 'KeyRevoked']);
      const meta = await api().get(`/v1/api-keys/${body.id}`).set(auth).expect(200);
      expect(meta.body.status).toBe('revoked');
      await api().post(`/v1/api-keys/${body.id}/roll`).set(auth).send({}).expect(409);
    });

    it('rolls with a grace period that never outlives the old expiry', async () => {
      const { body: old } = await api()
        .post(`/v1/orgs/${org}/api-keys`)
        .set(auth)
        .send({ name: 'rolling', access: 'read_write', statusPageIds: [`${org}-p2`] })
        .expect(201);
      const before = Date.now();
      const r = await api().post(`/v1/api-keys/${old.id}/roll`).set(auth).send({ gracePeriodSeconds: 120 }).expect(201);
      expect(r.body.key).not.toBe(old.key);
      expect(r.body).toMatchObject({ rolledFrom: old.id, access: 'read_write', statusPageIds: [`${org}-p2`], name: 'rolling' });
      const grace = Date.parse(r.body.previousKey.graceEndsAt);
      expect(grace).toBeGreaterThanOrEqual(before + 119_000);
      expect(grace).toBeLessThanOrEqual(Date.now() + 121_000);
      const oldMeta = await api().get(`/v1/api-keys/${old.id}`).set(auth).expect(200);
      expect(oldMeta.body).toMatchObject({ status: 'active', replacedBy: r.body.id });
      await api().post(`/v1/api-keys/${old.id}/roll`).set(auth).send({}).expect(409);
      await access.waitFor((m) => m.json<AccessEvent>().aggregateId === old.id && m.json<AccessEvent>().type === 'KeyRolled');

      const soon = new Date(Date.now() + 30_000).toISOString();
      const { body: short } = await api().post(`/v1/orgs/${org}/api-keys`).set(auth).send({ name: 'short', expiresAt: soon }).expect(201);
      const r2 = await api().post(`/v1/api-keys/${short.id}/roll`).set(auth).send({ gracePeriodSeconds: 3600 }).expect(201);
      expect(r2.body.previousKey.graceEndsAt).toBe(soon);
      expect(r2.body.expiresAt).toBe(soon);

      const bad = await api().post(`/v1/api-keys/${r.body.id}/roll`).set(auth).send({ gracePeriodSeconds: -5 }).expect(400);
      expect(bad.body.details[0].field).toBe('gracePeriodSeconds');
    });

    it('reports expiry', async () => {
      const { body } = await api()
        .post(`/v1/orgs/${org}/api-keys`)
        .set(auth)
        .send({ name: 'brief', expiresAt: new Date(Date.now() + 1500).toISOString() })
        .expect(201);
      expect(body.status).toBe('active');
      await new Promise((r) => setTimeout(r, 1700));
      const meta = await api().get(`/v1/api-keys/${body.id}`).set(auth).expect(200);
      expect(meta.body.status).toBe('expired');
    });
  });

  describe('key usage audit', () => {
    it('stores usage events, coalesces lastUsedAt and shows lifecycle changes with actor', async () => {
      const { body: key } = await api().post(`/v1/orgs/${org}/api-keys`).set(auth).send({ name: 'used' }).expect(201);
      const at = (ms: number) => new Date(Date.now() - ms).toISOString();
      const usage = (decision: 'allow' | 'deny', occurredAt: string, status: number) => ({
        key: key.id,
        value: JSON.stringify({
          id: randomUUID(), type: 'KeyUsed', schemaVersion: 1, orgId: org, keyId: key.id, occurredAt,
          decision, reason: decision === 'allow' ? 'allowed' : 'insufficient_permissions', permission: 'incident:read',
          method: 'GET', route: '/v1/status-pages/:pageId/incidents', status, clientIp: '203.0.113.9',
        }),
      });
      const newest = at(1000);
      await producer.send({ topic: TOPICS.keyUsage, messages: [usage('allow', at(3000), 200), usage('deny', newest, 403), usage('allow', at(2000), 200)] });

      const result = await waitUntil(async () => {
        const r = await api().get(`/v1/api-keys/${key.id}/usage`).set(auth).expect(200);
        return r.body.uses.length === 3 && r.body.lastUsedAt !== null ? r.body : null;
      });
      expect(result.lastUsedAt).toBe(newest);
      expect(result.uses[0]).toMatchObject({ at: newest, decision: 'deny', status: 403, clientIp: '203.0.113.9', route: '/v1/status-pages/:pageId/incidents' });
      const meta = await api().get(`/v1/api-keys/${key.id}`).set(auth).expect(200);
      expect(meta.body.lastUsedAt).toBe(newest);

      const log = await api().get(`/v1/orgs/${org}/audit-log?limit=200`).set(auth).expect(200);
      const kinds = new Set(log.body.entries.map((e: { kind: string }) => e.kind));
      expect(kinds).toEqual(new Set(['change', 'usage']));
      const created = log.body.entries.find((e: { type?: string; aggregateId?: string }) => e.type === 'KeyCreated' && e.aggregateId === key.id);
      expect(created).toMatchObject({ actor: { type: 'admin', id: 'admin-token' } });
      expect(JSON.stringify(log.body)).not.toContain(key.key);
      expect(JSON.stringify(created.details)).not.toContain('keyHash');
      await api().get(`/v1/orgs/${org}/audit-log?limit=0`).set(auth).expect(400);
      await api().get('/v1/orgs/nope-org/audit-log').set(auth).expect(404);
    });

    it('dead-letters malformed usage messages and keeps consuming', async () => {
      const marker = randomUUID();
      await producer.send({ topic: TOPICS.keyUsage, messages: [{ key: 'x', value: `{not json ${marker}`, headers: { 'trace-id': marker } }] });
      const [dead] = await usageDlq.waitFor((m) => m.value?.includes(marker) ?? false);
      expect(dead.headers['x-dlq-error']).toMatch(/invalid JSON/);
      expect(dead.headers['trace-id']).toBe(marker);
      expect(dead.headers['x-dlq-source-topic']).toBe(TOPICS.keyUsage);
    });
  });
});
