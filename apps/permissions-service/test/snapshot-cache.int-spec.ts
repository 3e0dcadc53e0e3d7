import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import mongoose from 'mongoose';
import request from 'supertest';
import { TOPICS, type AccessEvent } from '@sp/contracts';
import { AccessView, ViewSnapshotReader } from '@sp/permissions';
import { accessEvent, keyCreatedPayload, signedMessage, waitUntil } from '@sp/testing';
import { SnapshotCacheService } from '../src/snapshot/snapshot-cache.service';
import { ViewRepository } from '../src/view/view.repository';

/** The cached view snapshot on the real stack: what it serves, and when it stops serving it. */
describe('permissions-service: cached view snapshot (real Kafka + MongoDB-wire database)', () => {
  const brokers = (process.env.KAFKA_BROKERS ?? '').split(',');
  const mongoUri = process.env.MONGODB_URI ?? '';
  const db = `permissions_snap_${Date.now()}`;
  const org = `snap-${randomUUID().slice(0, 8)}`;
  const internal = { Authorization: `Bearer ${process.env.INTERNAL_TOKEN}` };
  const MAX_AGE_MS = 4_000;
  let app: INestApplication;
  let producer: Producer;
  let repo: ViewRepository;
  let cache: SnapshotCacheService;

  const publish = (events: AccessEvent[]) =>
    producer.send({ topic: TOPICS.accessEvents, acks: -1, messages: events.map((e) => signedMessage(e.orgId, e)) });

  /** The snapshot endpoint's answer, parsed: whether it came from the cache, its offsets, and the view it holds. */
  const snapshot = async () => {
    const res = await request(app.getHttpServer()).get('/internal/v1/view/snapshot').set(internal).buffer(true).parse((r, done) => {
      let text = '';
      r.on('data', (c: Buffer) => (text += c.toString()));
      r.on('end', () => done(null, text));
    });
    expect(res.status).toBe(200);
    const view = new AccessView();
    let offsets: Map<number, bigint> | null = null;
    for (const parsed of ViewSnapshotReader.parse(res.body as string)) {
      if ('offsets' in parsed) offsets = parsed.offsets;
      else view.restore(parsed.kind, parsed.record);
    }
    if (offsets === null) throw new Error('snapshot without offsets');
    return { cachedAt: res.headers['x-view-snapshot-created-at'] as string | undefined, offsets, view };
  };

  /** The view as the database holds it, through the same in-memory model. */
  const databaseView = async () => {
    const view = new AccessView();
    for (const kind of ['org', 'page', 'member', 'key'] as const) for await (const record of repo.records(kind)) view.restore(kind, record);
    return view;
  };

  beforeAll(async () => {
    if (!process.env.KAFKA_BROKERS || !mongoUri) throw new Error('run through npm test: KAFKA_BROKERS and MONGODB_URI are required');
    Object.assign(process.env, {
      PERMISSIONS_DB: db,
      PERMISSIONS_GROUP: `permissions-snap.${randomUUID()}`,
      VIEW_SNAPSHOT_DIR: mkdtempSync(join(tmpdir(), 'snap-it-')),
      // Refreshed by hand below; the first one is written at start.
      VIEW_SNAPSHOT_REFRESH_MS: '600000',
      VIEW_SNAPSHOT_MAX_AGE_MS: String(MAX_AGE_MS),
    });
    producer = new Kafka({ brokers, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    const { AppModule } = await import('../src/app.module');
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication({ logger: ['error'] });
    await app.init();
    repo = app.get(ViewRepository);
    cache = app.get(SnapshotCacheService);
    await waitUntil(async () => (await request(app.getHttpServer()).get('/health/ready')).status === 200, 60_000);
  });

  afterAll(async () => {
    for (const name of ['PERMISSIONS_DB', 'PERMISSIONS_GROUP', 'VIEW_SNAPSHOT_DIR', 'VIEW_SNAPSHOT_REFRESH_MS', 'VIEW_SNAPSHOT_MAX_AGE_MS']) delete process.env[name];
    await producer?.disconnect();
    await app?.close();
    const conn = await mongoose.createConnection(mongoUri, { dbName: db }).asPromise();
    await conn.dropDatabase();
    await conn.close();
  });

  it('serves the view from its cached file, equal to the database, and keeps serving it while the topic holds what follows', async () => {
    const key = `key-${randomUUID()}`;
    await publish([
      accessEvent('OrgUpserted', org, 1, { name: 'Snap' }),
      accessEvent('StatusPageUpserted', org, 1, { pageId: `${org}-page`, name: 'Main' }),
      accessEvent('MemberUpserted', org, 1, { userId: 'u1', role: 'editor', pageRoles: [] }),
      accessEvent('KeyCreated', org, 1, keyCreatedPayload(key, randomUUID().replace(/-/g, '').padEnd(64, '0'))),
    ]);
    await waitUntil(async () => (await repo.load('key', [key])).has(key) && (await repo.offsets(TOPICS.accessEvents)).size > 0, 30_000);
    const offsets = await repo.offsets(TOPICS.accessEvents);
    await cache.refresh();

    const first = await snapshot();
    expect(first.cachedAt).toBeDefined();
    expect(first.view.keyById(key)?.orgId).toBe(org);
    expect(first.view.snapshot()).toEqual((await databaseView()).snapshot());
    expect(first.offsets).toEqual(offsets);

    // The view moves on; the cached file (older offsets, still in the log) is still served: a
    // reader replays the events since, which its version guards make harmless.
    await publish([accessEvent('KeyRevoked', org, 2, { keyId: key })]);
    await waitUntil(async () => (await repo.load('key', [key])).get(key)?.version === 2, 30_000);
    const second = await snapshot();
    expect(second.cachedAt).toBe(first.cachedAt);
    expect(second.view.keyById(key)?.revoked).toBe(false);

    // A refresh writes the new state.
    await cache.refresh();
    const third = await snapshot();
    expect(third.cachedAt).not.toBe(first.cachedAt);
    expect(third.view.keyById(key)?.revoked).toBe(true);
    expect(third.view.snapshot()).toEqual((await databaseView()).snapshot());
  });

  it('reads the database instead once the cached file is older than VIEW_SNAPSHOT_MAX_AGE_MS', async () => {
    await cache.refresh();
    expect((await snapshot()).cachedAt).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, MAX_AGE_MS + 500));
    const late = await snapshot();
    expect(late.cachedAt).toBeUndefined();
    expect(late.view.snapshot()).toEqual((await databaseView()).snapshot());
  });
});
