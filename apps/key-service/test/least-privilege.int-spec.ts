import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import mongoose from 'mongoose';
import request from 'supertest';
import { generateApiKey } from '@sp/api-keys';
import { TOPICS, type AccessEvent } from '@sp/contracts';
import { HttpErrorsFilter } from '@sp/platform';
import { TopicTap, waitUntil } from '@sp/testing';

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run through npm test (tools/run.sh), which starts the local stack`);
  return v;
};

const DAY = 86_400_000;
const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const { privateKey: strangerKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const SIGNING_KEY_ID = 'gh-test-key-1';

/** Issue 19: key permissions, org key policy, acting users, removal ends keys, leaked keys, brute force. */
describe('key-service least privilege (real Kafka + MongoDB-wire database)', () => {
  const brokers = env('KAFKA_BROKERS').split(',');
  const db = `key_service_lp_${Date.now()}`;
  const auth = { Authorization: `Bearer ${env('ADMIN_TOKEN')}` };
  const org = `lp-${randomUUID().slice(0, 8)}`;
  const p1 = `${org}-p1`;
  const p2 = `${org}-p2`;
  let app: INestApplication;
  let access: TopicTap;
  const api = () => request(app.getHttpServer());
  const as = (userId: string) => ({ ...auth, 'X-Acting-User': userId });
  const eventsOf = (aggregateId: string) => access.messages.map((m) => m.json<AccessEvent>()).filter((e) => e.aggregateId === aggregateId);

  beforeAll(async () => {
    process.env.KEY_SERVICE_DB = db;
    process.env.KEY_USAGE_GROUP = `key-service-lp.${randomUUID()}`;
    process.env.OUTBOX_POLL_MS = '100';
    process.env.STATIC_TOKEN_MAX_FAILURES_PER_MINUTE = '5';
    process.env.SECRET_SCANNING_PUBLIC_KEYS = JSON.stringify({ [SIGNING_KEY_ID]: publicKey.export({ type: 'spki', format: 'pem' }) });
    access = await new TopicTap(brokers, TOPICS.accessEvents).start();
    const { AppModule } = await import('../src/app.module');
    const { SECRET_SCANNING_PATH } = await import('../src/secret-scanning/secret-scanning.controller');
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication({ logger: ['error'] });
    // As startHttpApp's rawBodyRoutes (main.ts): the report's exact bytes for the signature.
    (app as unknown as { useBodyParser(t: string, o: object): void }).useBodyParser('raw', {
      limit: '5mb',
      type: (req: { url?: string }) => req.url?.startsWith(SECRET_SCANNING_PATH) === true,
    });
    app.useGlobalFilters(new HttpErrorsFilter());
    app.enableShutdownHooks();
    await app.init();

    await api().put(`/v1/orgs/${org}`).set(auth).send({ name: 'Acme' }).expect(201);
    await api().put(`/v1/orgs/${org}-other`).set(auth).send({ name: 'Other' }).expect(201);
    await api().put(`/v1/orgs/${org}/status-pages/${p1}`).set(auth).send({ name: 'Main' }).expect(201);
    await api().put(`/v1/orgs/${org}/status-pages/${p2}`).set(auth).send({ name: 'Docs' }).expect(201);
    for (const [userId, role] of [['own', 'owner'], ['adm', 'admin'], ['ed', 'editor'], ['vw', 'viewer']]) {
      await api().put(`/v1/orgs/${org}/members/${userId}`).set(auth).send({ role }).expect(201);
    }
    await api().put(`/v1/orgs/${org}-other/members/zz`).set(auth).send({ role: 'owner' }).expect(201);
  });

  afterAll(async () => {
    await access?.stop();
    await app?.close();
    const conn = await mongoose.createConnection(env('MONGODB_URI'), { dbName: db }).asPromise();
    await conn.dropDatabase();
    await conn.close();
  });

  describe('key permissions', () => {
    it('are set at creation, shown in metadata, carried in KeyCreated and copied by a roll', async () => {
      const created = await api().post(`/v1/orgs/${org}/api-keys`).set(auth).send({ name: 'incidents', access: 'read_write', permissions: ['incident:read', 'incident:write', 'incident:read'] }).expect(201);
      expect(created.body.permissions).toEqual(['incident:read', 'incident:write']);
      const meta = await api().get(`/v1/api-keys/${created.body.id}`).set(auth).expect(200);
      expect(meta.body.permissions).toEqual(['incident:read', 'incident:write']);
      await waitUntil(() => eventsOf(created.body.id).length > 0);
      expect(eventsOf(created.body.id)[0]).toMatchObject({ type: 'KeyCreated', payload: { permissions: ['incident:read', 'incident:write'] } });
      const rolled = await api().post(`/v1/api-keys/${created.body.id}/roll`).set(auth).send({}).expect(201);
      expect(rolled.body.permissions).toEqual(['incident:read', 'incident:write']);
      const user = await api().post(`/v1/orgs/${org}/members/ed/api-keys`).set(auth).send({ name: 'mine', permissions: ['status_page:read'] }).expect(201);
      expect(user.body.permissions).toEqual(['status_page:read']);
      const plain = await api().post(`/v1/orgs/${org}/api-keys`).set(auth).send({ name: 'plain' }).expect(201);
      expect(plain.body.permissions).toBeNull();
    });

    it.each([
      ['an unknown name', ['incident:fly'], 'permissions.0'],
      ['an empty list', [], 'permissions'],
      ['member:write', ['incident:read', 'member:write'], 'permissions.1'],
      ['api_key:manage', ['api_key:manage'], 'permissions.0'],
      ['not a list', 'incident:read', 'permissions'],
      ['not strings', [1], 'permissions.0'],
    ])('refuses %s with 400 naming the field', async (_what, permissions, field) => {
      for (const path of [`/v1/orgs/${org}/api-keys`, `/v1/orgs/${org}/members/ed/api-keys`]) {
        const res = await api().post(path).set(auth).send({ name: 'x', permissions }).expect(400);
        expect(res.body.error).toBe('validation_failed');
        expect(res.body.details.map((d: { field: string }) => d.field)).toContain(field);
      }
    });
  });

  describe('org key policy', () => {
    const policyOrg = `${org}-pol`;
    beforeAll(async () => {
      await api().put(`/v1/orgs/${policyOrg}`).set(auth).send({ name: 'Policy' }).expect(201);
    });

    it('is shown in GET /v1/orgs/:orgId (none at first), set by PUT key-policy, and keeps existing keys as they are', async () => {
      const before = await api().get(`/v1/orgs/${policyOrg}`).set(auth).expect(200);
      expect(before.body.keyPolicy).toEqual({ maxLifetimeDays: null, orgKeyMaxAccess: null });
      const old = await api().post(`/v1/orgs/${policyOrg}/api-keys`).set(auth).send({ name: 'old', access: 'read_write' }).expect(201);
      const set = await api().put(`/v1/orgs/${policyOrg}/key-policy`).set(auth).send({ maxLifetimeDays: 30, orgKeyMaxAccess: 'read' }).expect(200);
      expect(set.body).toEqual({ orgId: policyOrg, keyPolicy: { maxLifetimeDays: 30, orgKeyMaxAccess: 'read' } });
      const after = await api().get(`/v1/orgs/${policyOrg}`).set(auth).expect(200);
      expect(after.body.keyPolicy).toEqual({ maxLifetimeDays: 30, orgKeyMaxAccess: 'read' });
      const still = await api().get(`/v1/api-keys/${old.body.id}`).set(auth).expect(200);
      expect(still.body).toMatchObject({ access: 'read_write', expiresAt: null, status: 'active' });
      // Rolling it applies the policy: too much access for an org key now.
      const roll = await api().post(`/v1/api-keys/${old.body.id}/roll`).set(auth).send({}).expect(400);
      expect(roll.body.details[0].field).toBe('access');
    });

    it('gives new and rolled keys the default expiry, refuses a later one (expiresAt) and read_write org keys (access)', async () => {
      const t0 = Date.now();
      const key = await api().post(`/v1/orgs/${policyOrg}/api-keys`).set(auth).send({ name: 'ci' }).expect(201);
      const expires = Date.parse(key.body.expiresAt);
      expect(expires).toBeGreaterThanOrEqual(t0 + 30 * DAY - 1000);
      expect(expires).toBeLessThanOrEqual(Date.now() + 30 * DAY);
      const earlier = new Date(Date.now() + 7 * DAY).toISOString();
      const ok = await api().post(`/v1/orgs/${policyOrg}/api-keys`).set(auth).send({ name: 'short', expiresAt: earlier }).expect(201);
      expect(ok.body.expiresAt).toBe(earlier);
      const later = await api().post(`/v1/orgs/${policyOrg}/api-keys`).set(auth).send({ name: 'long', expiresAt: new Date(Date.now() + 60 * DAY).toISOString() }).expect(400);
      expect(later.body.details[0].field).toBe('expiresAt');
      const rw = await api().post(`/v1/orgs/${policyOrg}/api-keys`).set(auth).send({ name: 'rw', access: 'read_write' }).expect(400);
      expect(rw.body.details[0].field).toBe('access');
      // User keys follow their user's role: orgKeyMaxAccess is about org keys; the lifetime applies.
      await api().put(`/v1/orgs/${policyOrg}/members/u1`).set(auth).send({ role: 'editor' }).expect(201);
      const user = await api().post(`/v1/orgs/${policyOrg}/members/u1/api-keys`).set(auth).send({ name: 'u', access: 'read_write' }).expect(201);
      expect(Date.parse(user.body.expiresAt)).toBeGreaterThan(Date.now() + 29 * DAY);
      const rolled = await api().post(`/v1/api-keys/${key.body.id}/roll`).set(auth).send({}).expect(201);
      expect(Date.parse(rolled.body.expiresAt)).toBeGreaterThanOrEqual(expires);
    });

    it.each([
      [{ maxLifetimeDays: 0 }, 'maxLifetimeDays'],
      [{ maxLifetimeDays: 1.5 }, 'maxLifetimeDays'],
      [{ maxLifetimeDays: 'ten' }, 'maxLifetimeDays'],
      [{ maxLifetimeDays: 5000 }, 'maxLifetimeDays'],
      [{ orgKeyMaxAccess: 'admin' }, 'orgKeyMaxAccess'],
      [{ other: true }, 'other'],
    ])('refuses policy %j with 400 naming %s', async (body, field) => {
      const res = await api().put(`/v1/orgs/${policyOrg}/key-policy`).set(auth).send(body).expect(400);
      expect(res.body.details[0].field).toBe(field);
    });

    it('answers 404 for an unknown org', async () => {
      await api().put(`/v1/orgs/${org}-nope/key-policy`).set(auth).send({ maxLifetimeDays: 3 }).expect(404);
      await api().get(`/v1/orgs/${org}-nope`).set(auth).expect(404);
    });
  });

  describe('acting users (X-Acting-User)', () => {
    it('any member creates, lists, rolls and revokes their own user keys, and is the actor of the events and audit entries', async () => {
      const mine = await api().post(`/v1/orgs/${org}/members/vw/api-keys`).set(as('vw')).send({ name: 'own' }).expect(201);
      await waitUntil(() => eventsOf(mine.body.id).length > 0);
      expect(eventsOf(mine.body.id)[0].actor).toEqual({ type: 'user', id: 'vw' });
      const listed = await api().get(`/v1/orgs/${org}/api-keys`).set(as('vw')).expect(200);
      expect(listed.body.length).toBeGreaterThan(0);
      expect(listed.body.every((k: { type: string; userId: string }) => k.type === 'user' && k.userId === 'vw')).toBe(true);
      await api().get(`/v1/api-keys/${mine.body.id}`).set(as('vw')).expect(200);
      await api().get(`/v1/api-keys/${mine.body.id}/usage`).set(as('vw')).expect(200);
      const rolled = await api().post(`/v1/api-keys/${mine.body.id}/roll`).set(as('vw')).send({}).expect(201);
      await api().delete(`/v1/api-keys/${rolled.body.id}`).set(as('vw')).expect(200);
      await waitUntil(async () => {
        const log = await api().get(`/v1/orgs/${org}/audit-log`).set(auth);
        return log.body.entries.some((e: { type: string; aggregateId: string; actor: unknown }) => e.type === 'KeyRevoked' && e.aggregateId === rolled.body.id && JSON.stringify(e.actor) === JSON.stringify({ type: 'user', id: 'vw' }));
      });
    });

    it('org keys, others\u2019 user keys, the key policy and the audit log need api_key:manage: 403 naming it', async () => {
      const forbidden = { error: 'insufficient_permissions', required: 'api_key:manage' };
      await api().post(`/v1/orgs/${org}/api-keys`).set(as('ed')).send({ name: 'x' }).expect(403, forbidden);
      await api().post(`/v1/orgs/${org}/members/adm/api-keys`).set(as('ed')).send({ name: 'x' }).expect(403, forbidden);
      await api().put(`/v1/orgs/${org}/key-policy`).set(as('ed')).send({ maxLifetimeDays: 3 }).expect(403, forbidden);
      await api().get(`/v1/orgs/${org}/audit-log`).set(as('ed')).expect(403, forbidden);
      const admins = await api().post(`/v1/orgs/${org}/members/adm/api-keys`).set(as('adm')).send({ name: 'adm' }).expect(201);
      await api().get(`/v1/api-keys/${admins.body.id}`).set(as('ed')).expect(403, forbidden);
      await api().get(`/v1/api-keys/${admins.body.id}/usage`).set(as('ed')).expect(403, forbidden);
      await api().delete(`/v1/api-keys/${admins.body.id}`).set(as('ed')).expect(403, forbidden);
      await api().post(`/v1/api-keys/${admins.body.id}/roll`).set(as('ed')).send({}).expect(403, forbidden);
      // An admin holds api_key:manage.
      const org1 = await api().post(`/v1/orgs/${org}/api-keys`).set(as('adm')).send({ name: 'by admin' }).expect(201);
      await api().post(`/v1/orgs/${org}/members/ed/api-keys`).set(as('adm')).send({ name: 'for ed' }).expect(201);
      await api().put(`/v1/orgs/${org}/key-policy`).set(as('adm')).send({}).expect(200);
      await api().delete(`/v1/api-keys/${org1.body.id}`).set(as('own')).expect(200);
      expect((await api().get(`/v1/orgs/${org}/api-keys`).set(as('adm')).expect(200)).body.some((k: { type: string }) => k.type === 'org')).toBe(true);
    });

    it('members need member:write; only an owner grants or removes the owner role', async () => {
      await api().put(`/v1/orgs/${org}/members/new1`).set(as('ed')).send({ role: 'viewer' }).expect(403, { error: 'insufficient_permissions', required: 'member:write' });
      await api().delete(`/v1/orgs/${org}/members/vw`).set(as('vw')).expect(403, { error: 'insufficient_permissions', required: 'member:write' });
      await api().put(`/v1/orgs/${org}/members/new1`).set(as('adm')).send({ role: 'viewer' }).expect(201);
      const grant = await api().put(`/v1/orgs/${org}/members/new1`).set(as('adm')).send({ role: 'owner' }).expect(403);
      expect(grant.body).toMatchObject({ error: 'insufficient_permissions' });
      await api().put(`/v1/orgs/${org}/members/new1`).set(as('adm')).send({ role: 'viewer', pageRoles: { [p1]: 'owner' } }).expect(403);
      await api().put(`/v1/orgs/${org}/members/own`).set(as('adm')).send({ role: 'admin' }).expect(403);
      await api().delete(`/v1/orgs/${org}/members/own`).set(as('adm')).expect(403);
      await api().put(`/v1/orgs/${org}/members/new1`).set(as('own')).send({ role: 'owner' }).expect(200);
      await api().put(`/v1/orgs/${org}/members/new1`).set(as('own')).send({ role: 'viewer' }).expect(200);
      const removed = await api().delete(`/v1/orgs/${org}/members/new1`).set(as('adm')).expect(200);
      expect(removed.body.removed).toBe(true);
    });

    it('a user outside the org gets 404; a malformed header 400; orgs and pages are the platform\u2019s', async () => {
      await api().get(`/v1/orgs/${org}/api-keys`).set(as('zz')).expect(404);
      await api().get(`/v1/orgs/${org}`).set(as('zz')).expect(404);
      await api().post(`/v1/orgs/${org}/members/zz/api-keys`).set(as('zz')).send({ name: 'x' }).expect(404);
      await api().put(`/v1/orgs/${org}/members/x1`).set(as('zz')).send({ role: 'viewer' }).expect(404);
      await api().put(`/v1/orgs/${org}/key-policy`).set(as('nobody')).send({}).expect(404);
      const theirs = await api().post(`/v1/orgs/${org}-other/members/zz/api-keys`).set(auth).send({ name: 'z' }).expect(201);
      await api().get(`/v1/api-keys/${theirs.body.id}`).set(as('own')).expect(404);
      await api().delete(`/v1/api-keys/${theirs.body.id}`).set(as('own')).expect(404);
      const bad = await api().get(`/v1/orgs/${org}/api-keys`).set({ ...auth, 'X-Acting-User': 'a b' }).expect(400);
      expect(bad.body.details[0].field).toBe('X-Acting-User');
      await api().put(`/v1/orgs/${org}`).set(as('own')).send({ name: 'Renamed' }).expect(400);
      await api().put(`/v1/orgs/${org}/status-pages/${p1}`).set(as('own')).send({ name: 'X' }).expect(400);
      // Without the header the platform acts, as before.
      await api().get(`/v1/orgs/${org}/api-keys`).set(auth).expect(200);
    });
  });

  describe('removal ends keys', () => {
    it('removing a member revokes their user keys (member_removed); re-adding them, even higher, never revives them', async () => {
      await api().put(`/v1/orgs/${org}/members/leaver`).set(auth).send({ role: 'viewer' }).expect(201);
      const a = await api().post(`/v1/orgs/${org}/members/leaver/api-keys`).set(auth).send({ name: 'a' }).expect(201);
      const b = await api().post(`/v1/orgs/${org}/members/leaver/api-keys`).set(auth).send({ name: 'b' }).expect(201);
      await api().delete(`/v1/orgs/${org}/members/leaver`).set(auth).expect(200);
      for (const id of [a.body.id, b.body.id]) {
        const meta = await api().get(`/v1/api-keys/${id}`).set(auth).expect(200);
        expect(meta.body).toMatchObject({ status: 'revoked', revocation: { reason: 'member_removed', report: null } });
        await waitUntil(() => eventsOf(id).some((e) => e.type === 'KeyRevoked'));
        expect(eventsOf(id).find((e) => e.type === 'KeyRevoked')).toMatchObject({ payload: { reason: 'member_removed' } });
      }
      await api().put(`/v1/orgs/${org}/members/leaver`).set(auth).send({ role: 'owner' }).expect(201);
      expect((await api().get(`/v1/api-keys/${a.body.id}`).set(auth)).body.status).toBe('revoked');
      // Removing again is idempotent.
      await api().delete(`/v1/orgs/${org}/members/leaver`).set(auth).expect(200);
      await api().delete(`/v1/orgs/${org}/members/leaver`).set(auth).expect(200);
    });

    it('removing a status page drops it from the keys narrowed to it (KeyNarrowed), for good', async () => {
      const page = `${org}-p9`;
      await api().put(`/v1/orgs/${org}/status-pages/${page}`).set(auth).send({ name: 'Nine' }).expect(201);
      const key = await api().post(`/v1/orgs/${org}/api-keys`).set(auth).send({ name: 'n', statusPageIds: [page, p2] }).expect(201);
      const only = await api().post(`/v1/orgs/${org}/api-keys`).set(auth).send({ name: 'only', statusPageIds: [page] }).expect(201);
      await api().delete(`/v1/orgs/${org}/status-pages/${page}`).set(auth).expect(200);
      expect((await api().get(`/v1/api-keys/${key.body.id}`).set(auth)).body.statusPageIds).toEqual([p2]);
      expect((await api().get(`/v1/api-keys/${only.body.id}`).set(auth)).body.statusPageIds).toEqual([]);
      await waitUntil(() => eventsOf(key.body.id).some((e) => e.type === 'KeyNarrowed'));
      expect(eventsOf(key.body.id).find((e) => e.type === 'KeyNarrowed')).toMatchObject({ payload: { keyId: key.body.id, statusPageIds: [p2] } });
      await api().put(`/v1/orgs/${org}/status-pages/${page}`).set(auth).send({ name: 'Nine again' }).expect(201);
      expect((await api().get(`/v1/api-keys/${key.body.id}`).set(auth)).body.statusPageIds).toEqual([p2]);
    });
  });

  describe('leaked keys (secret scanning)', () => {
    const report = (tokens: { token: string; type?: string; url?: string; source?: string }[]) =>
      Buffer.from(JSON.stringify(tokens.map((t) => ({ type: 'statuspal_api_key', url: 'https://github.com/acme/app/blob/main/.env', source: 'content', ...t }))));
    const signed = (body: Buffer, key = privateKey, keyId = SIGNING_KEY_ID) =>
      api()
        .post('/v1/secret-scanning/reports')
        .set({ 'content-type': 'application/json', 'Github-Public-Key-Identifier': keyId, 'Github-Public-Key-Signature': sign('sha256', body, key).toString('base64') })
        // As a string: superagent would serialize a Buffer as JSON.
        .send(body.toString('utf8'));

    it('revokes our live keys at once (leaked, actor secret-scanning, url and source in metadata and audit log), labels every token, idempotently', async () => {
      const live = await api().post(`/v1/orgs/${org}/api-keys`).set(auth).send({ name: 'leaky' }).expect(201);
      const junk = generateApiKey('org').key;
      const body = report([{ token: live.body.key }, { token: junk }, { token: 'not-even-a-key' }]);
      const res = await signed(body).expect(200);
      expect(res.body).toEqual([
        { token_raw: live.body.key, token_type: 'statuspal_api_key', label: 'true_positive' },
        { token_raw: junk, token_type: 'statuspal_api_key', label: 'false_positive' },
        { token_raw: 'not-even-a-key', token_type: 'statuspal_api_key', label: 'false_positive' },
      ]);
      const meta = await api().get(`/v1/api-keys/${live.body.id}`).set(auth).expect(200);
      expect(meta.body).toMatchObject({ status: 'revoked', revocation: { reason: 'leaked', report: { url: 'https://github.com/acme/app/blob/main/.env', source: 'content' } } });
      await waitUntil(() => eventsOf(live.body.id).some((e) => e.type === 'KeyRevoked'));
      expect(eventsOf(live.body.id).find((e) => e.type === 'KeyRevoked')).toMatchObject({ actor: { type: 'system', id: 'secret-scanning' }, payload: { reason: 'leaked' } });
      await waitUntil(async () => {
        const log = await api().get(`/v1/orgs/${org}/audit-log`).set(auth);
        return log.body.entries.some(
          (e: { type: string; aggregateId: string; details: { report?: { url: string; source: string } }; actor: { id: string } }) =>
            e.type === 'KeyRevoked' && e.aggregateId === live.body.id && e.actor?.id === 'secret-scanning' && e.details.report?.source === 'content',
        );
      });
      // Reported again: the same answer, no new event.
      const versions = eventsOf(live.body.id).length;
      expect((await signed(body).expect(200)).body).toEqual(res.body);
      await new Promise((r) => setTimeout(r, 300));
      expect(eventsOf(live.body.id).length).toBe(versions);
    });

    it('answers 401 and changes nothing for a missing, unknown or bad signature', async () => {
      const live = await api().post(`/v1/orgs/${org}/api-keys`).set(auth).send({ name: 'safe' }).expect(201);
      const body = report([{ token: live.body.key }]);
      const post = () => api().post('/v1/secret-scanning/reports').set({ 'content-type': 'application/json' });
      await post().send(body.toString('utf8')).expect(401);
      await post().set({ 'Github-Public-Key-Identifier': SIGNING_KEY_ID }).send(body.toString('utf8')).expect(401);
      await post().set({ 'Github-Public-Key-Identifier': SIGNING_KEY_ID, 'Github-Public-Key-Signature': 'AAAA' }).send(body.toString('utf8')).expect(401);
      await signed(body, strangerKey).expect(401);
      await signed(body, privateKey, 'unknown-key-id').expect(401);
      // Signed over other bytes than those sent.
      const sig = sign('sha256', report([{ token: 'other' }]), privateKey).toString('base64');
      await post().set({ 'Github-Public-Key-Identifier': SIGNING_KEY_ID, 'Github-Public-Key-Signature': sig }).send(body.toString('utf8')).expect(401);
      expect((await api().get(`/v1/api-keys/${live.body.id}`).set(auth)).body.status).toBe('active');
      // Signed but not a report: 400.
      await signed(Buffer.from('{"not":"a list"}')).expect(400);
      await signed(Buffer.from('[{"token":')).expect(400);
    });

    it('answers a report of 1,000 tokens (50 of them ours) in one go', async () => {
      const ours: request.Response[] = [];
      for (let i = 0; i < 50; i++) ours.push(await api().post(`/v1/orgs/${org}/api-keys`).set(auth).send({ name: `bulk-${i}` }).expect(201));
      const tokens = [...ours.map((r) => ({ token: r.body.key as string })), ...Array.from({ length: 950 }, () => ({ token: generateApiKey('user').key }))];
      const res = await signed(report(tokens)).expect(200);
      expect(res.body).toHaveLength(1000);
      expect(res.body.filter((r: { label: string }) => r.label === 'true_positive')).toHaveLength(50);
      const listed = await api().get(`/v1/orgs/${org}/api-keys`).set(auth).expect(200);
      const bulk = listed.body.filter((k: { name: string }) => k.name.startsWith('bulk-'));
      expect(bulk.every((k: { status: string; revocation: { reason: string } }) => k.status === 'revoked' && k.revocation.reason === 'leaked')).toBe(true);
      // Every revocation reaches the topic (and the outbox is drained before the app closes).
      await waitUntil(() => ours.every((r) => eventsOf(r.body.id).some((e) => e.type === 'KeyRevoked')), 30_000);
    }, 60_000);
  });

  describe('brute force on the admin token (last: it blocks this address)', () => {
    it('answers 429 with Retry-After after N failed attempts in a minute, even to the right token', async () => {
      for (let i = 0; i < 5; i++) await api().get(`/v1/orgs/${org}`).set({ Authorization: `Bearer wrong-${i}-wrong-wrong` }).expect(401);
      const blocked = await api().get(`/v1/orgs/${org}`).set(auth).expect(429);
      expect(blocked.body.error).toBe('too_many_failed_authentications');
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
      await api().get(`/v1/orgs/${org}`).set({ Authorization: 'Bearer wrong-again-wrong' }).expect(429);
    });
  });
});
