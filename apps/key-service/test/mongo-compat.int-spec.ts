import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import mongoose, { type Connection, type Model } from 'mongoose';
import { mongoEnvSchema, mongooseOptions } from '@sp/platform';
import { ApiKey, ApiKeySchema } from '../src/api-keys/api-key.schema';
import { StatusPage, StatusPageSchema } from '../src/status-pages/status-page.schema';
import { AuditEvent, AuditEventSchema, KeyUsage, KeyUsageSchema } from '../src/usage/audit.schemas';

/**
 * MongoDB-wire compatibility suite, key-service part (with the permissions-service and
 * status-page-api parts in their test/mongo-compat.int-spec.ts): every kind of database operation
 * the repositories use, and the concurrency they rely on, against the engine of MONGODB_URI. It
 * runs in `npm test` on the local engine; pointed at MongoDB (compose) it is the checklist that the
 * code stays inside what both support. Connections are the services' own: mongooseOptions with the
 * default MONGODB_MAX_POOL_SIZE (20).
 */
/** The oldest wire version the installed driver talks to (it refuses older servers). */
const { MIN_SUPPORTED_WIRE_VERSION } = createRequire(__filename)('mongodb/lib/cmap/wire_protocol/constants') as { MIN_SUPPORTED_WIRE_VERSION: number };

/** The document, or a failed test if it is missing. */
function found<T>(doc: T | null | undefined): T {
  if (doc === null || doc === undefined) throw new Error('document missing');
  return doc;
}

describe('MongoDB-wire compatibility: key-service operations and concurrency', () => {
  const db = `compat_key_service_${Date.now()}`;
  const env = mongoEnvSchema.parse({ MONGODB_URI: process.env.MONGODB_URI });
  let conn: Connection;
  let connectionsOpened = 0;

  beforeAll(async () => {
    if (!process.env.MONGODB_URI) throw new Error('run through npm test: MONGODB_URI is required');
    const { uri, ...options } = mongooseOptions(env, db);
    conn = mongoose.createConnection(uri, options);
    conn.getClient().on('connectionCreated', () => connectionsOpened++);
    await conn.asPromise();
  });

  afterAll(async () => {
    await conn?.dropDatabase();
    await conn?.close();
  });

  const col = (name: string) => conn.collection(name);

  it('speaks a wire version this driver supports, with the default pool of 20', async () => {
    const hello = await found(conn.db).admin().command({ isMaster: 1 });
    expect(hello.maxWireVersion).toBeGreaterThanOrEqual(MIN_SUPPORTED_WIRE_VERSION);
    expect(env.MONGODB_MAX_POOL_SIZE).toBe(20);
    expect(conn.getClient().options.maxPoolSize).toBe(20);
  });

  describe('concurrency over a pool of 20 connections (lost updates: 0)', () => {
    it('200 concurrent $inc of one document leave 200', async () => {
      const counters = col('counters');
      await counters.insertOne({ _id: 'c' as never, n: 0 });
      await Promise.all(Array.from({ length: 200 }, () => counters.updateOne({ _id: 'c' as never }, { $inc: { n: 1 } })));
      expect(await counters.findOne({ _id: 'c' as never })).toEqual({ _id: 'c', n: 200 });
      // The writes really went over several connections (the pool grows under the load).
      expect(connectionsOpened).toBeGreaterThan(1);
    });

    it("10 clients' compare-and-set loop (the outbox write: version match, $set + $push) loses no claim", async () => {
      // The shape of AggregateWriter's update and the relay's version-guarded $pullAll.
      const docs = col('cas');
      await docs.insertOne({ _id: 'agg' as never, version: 0, outbox: [], outboxPending: false });
      const target = 200;
      let claimed = 0;
      const won: string[] = [];
      const client = async (id: number) => {
        let mine = 0;
        while (claimed < target) {
          const current = found(await docs.findOne<{ version: number }>({ _id: 'agg' as never }));
          const next = current.version + 1;
          const claim = `c${id}-${mine}`;
          const res = await docs.updateOne(
            { _id: 'agg' as never, version: current.version },
            { $set: { version: next, outboxPending: true }, $push: { outbox: claim } as never },
          );
          if (res.matchedCount === 1) {
            claimed++;
            mine++;
            won.push(claim);
          }
        }
      };
      await Promise.all(Array.from({ length: 10 }, (_, i) => client(i)));
      const final = found(await docs.findOne<{ version: number; outbox: string[] }>({ _id: 'agg' as never }));
      // Every successful compare-and-set is in the document, and no two succeeded on one version.
      expect(final.version).toBe(won.length);
      expect(new Set(final.outbox)).toEqual(new Set(won));
      expect(final.outbox).toHaveLength(won.length);
      expect(won.length - final.outbox.length).toBe(0);

      // The relay takes published events out with the version it read; a stale version matches nothing.
      const stale = await docs.updateOne({ _id: 'agg' as never, version: final.version - 1 }, { $pullAll: { outbox: won } as never, $set: { outboxPending: false } });
      expect(stale.matchedCount).toBe(0);
      const done = await docs.updateOne({ _id: 'agg' as never, version: final.version }, { $pullAll: { outbox: won } as never, $set: { outboxPending: false } });
      expect(done.matchedCount).toBe(1);
      expect(await docs.findOne({ _id: 'agg' as never })).toMatchObject({ outbox: [], outboxPending: false });
    });

    it('two concurrent inserts of one new _id: one wins, the other gets E11000 (create-or-retry)', async () => {
      const docs = col('creates');
      const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => docs.insertOne({ _id: 'new' as never, by: i })));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results.filter((x): x is PromiseRejectedResult => x.status === 'rejected')) expect(r.reason.code).toBe(11000);
    });
  });

  describe('outbox relay and admin reads', () => {
    let pages: Model<StatusPage>;
    let keys: Model<ApiKey>;

    beforeAll(async () => {
      pages = conn.model(StatusPage.name, StatusPageSchema);
      keys = conn.model(ApiKey.name, ApiKeySchema);
      await Promise.all([pages.init(), keys.init()]);
    });

    it('finds pending outboxes with a projection and a limit', async () => {
      await pages.collection.insertMany([
        { _id: 'p1', orgId: 'o1', name: 'A', removed: false, version: 1, outbox: ['{"e":1}'], outboxPending: true },
        { _id: 'p2', orgId: 'o1', name: 'B', removed: true, version: 2, outbox: [], outboxPending: false },
        { _id: 'p3', orgId: 'o2', name: 'C', removed: false, version: 1, outbox: ['{"e":2}'], outboxPending: true },
      ] as never[]);
      const pending = await pages.find({ outboxPending: true }, { _id: 1, version: 1, outbox: 1 }).limit(200).lean().exec();
      expect(pending.map((d) => d._id).sort()).toEqual(['p1', 'p3']);
      expect(Object.keys(pending[0]).sort()).toEqual(['_id', 'outbox', 'version']);
    });

    it("reads an org's live pages among given ids ($in, equality, projection)", async () => {
      const found = await pages.find({ _id: { $in: ['p1', 'p2', 'p3', 'nope'] }, orgId: 'o1', removed: false }, { _id: 1 }).lean().exec();
      expect(found).toEqual([{ _id: 'p1' }]);
    });

    it('refuses a second key with the same hash (unique index, E11000) on insert and on update', async () => {
      const key = (id: string, keyHash: string) => ({
        _id: id, orgId: 'o1', type: 'org', name: id, access: 'read', keyHash, prefix: 'sp_org_', last4: 'abcd', version: 1, outbox: [], outboxPending: false,
      });
      await keys.collection.insertOne(key('k1', 'h1') as never);
      await expect(keys.collection.insertOne(key('k2', 'h1') as never)).rejects.toMatchObject({ code: 11000 });
      await keys.collection.insertOne(key('k3', 'h3') as never);
      await expect(keys.collection.updateOne({ _id: 'k3' } as never, { $set: { keyHash: 'h1' } })).rejects.toMatchObject({ code: 11000 });
    });

    it("lists an org's keys newest first with a limit, and reads one by id", async () => {
      const t0 = Date.now();
      await keys.collection.insertMany(
        [1, 2, 3].map((i) => ({ _id: `lk${i}`, orgId: 'list-org', keyHash: `lh${i}`, name: `k${i}`, createdAt: new Date(t0 + i * 1000), version: 1, outbox: [] })) as never[],
      );
      const listed = await keys.find({ orgId: 'list-org' }).sort({ createdAt: -1 }).limit(2).lean().exec();
      expect(listed.map((k) => k._id)).toEqual(['lk3', 'lk2']);
      expect(await keys.findById('lk1').lean().exec()).toMatchObject({ _id: 'lk1', name: 'k1' });
    });
  });

  describe('usage and audit log', () => {
    let usage: Model<KeyUsage>;
    let audit: Model<AuditEvent>;

    beforeAll(async () => {
      usage = conn.model(KeyUsage.name, KeyUsageSchema);
      audit = conn.model(AuditEvent.name, AuditEventSchema);
      await Promise.all([usage.init(), audit.init()]);
    });

    it('bulk of 500 idempotent upserts (replaceOne, unordered) completes, and a replay changes nothing', async () => {
      const base = Date.now();
      const ops = Array.from({ length: 500 }, (_, i) => ({
        replaceOne: {
          filter: { _id: `u${i}` },
          replacement: { _id: `u${i}`, orgId: 'o1', keyId: `k${i % 5}`, occurredAt: new Date(base + i), firstOccurredAt: new Date(base + i), count: 1, decision: 'allow', reason: 'allowed', permission: null, method: 'GET', route: '/x', status: 200, clientIp: null },
          upsert: true,
        },
      }));
      const first = await usage.bulkWrite(ops, { ordered: false });
      expect(first.upsertedCount).toBe(500);
      const replay = await usage.bulkWrite(ops, { ordered: false });
      expect(replay.upsertedCount).toBe(0);
      expect(replay.matchedCount).toBe(500);
      expect(await usage.countDocuments({ orgId: 'o1' })).toBe(500);
    });

    it("queries a key's and an org's usage newest first with a limit", async () => {
      const ofKey = await usage.find({ keyId: 'k1' }).sort({ occurredAt: -1 }).limit(3).lean().exec();
      expect(ofKey.map((u) => u._id)).toEqual(['u496', 'u491', 'u486']);
      const ofOrg = await usage.find({ orgId: 'o1' }).sort({ occurredAt: -1 }).limit(2).lean().exec();
      expect(ofOrg.map((u) => u._id)).toEqual(['u499', 'u498']);
    });

    it('moves lastUsedAt forward only ($max in an unordered bulk of updateOne)', async () => {
      const keys = col('last_used');
      await keys.insertMany([{ _id: 'a' as never, lastUsedAt: null }, { _id: 'b' as never, lastUsedAt: new Date(2_000) }]);
      await keys.bulkWrite(
        [
          { updateOne: { filter: { _id: 'a' as never }, update: { $max: { lastUsedAt: new Date(5_000) } } } },
          { updateOne: { filter: { _id: 'b' as never }, update: { $max: { lastUsedAt: new Date(1_000) } } } },
        ],
        { ordered: false },
      );
      const [a, b] = await Promise.all([keys.findOne({ _id: 'a' as never }), keys.findOne({ _id: 'b' as never })]);
      expect(found(a).lastUsedAt).toEqual(new Date(5_000));
      expect(found(b).lastUsedAt).toEqual(new Date(2_000));
    });

    it('accepts a TTL index and deletes by date (the prune; no engine is trusted to enforce TTL)', async () => {
      await audit.collection.createIndex({ occurredAt: 1 }, { name: 'occurredAt_retention', expireAfterSeconds: 86_400 });
      expect((await audit.collection.indexes()).find((i) => i.name === 'occurredAt_retention')).toMatchObject({ expireAfterSeconds: 86_400 });
      const id = randomUUID();
      await audit.bulkWrite(
        [new Date(1_000), new Date()].map((occurredAt, i) => ({
          replaceOne: { filter: { _id: `${id}-${i}` }, replacement: { _id: `${id}-${i}`, orgId: 'o1', type: 'T', aggregateId: 'a', aggregateVersion: i + 1, actor: null, occurredAt, details: {} }, upsert: true },
        })),
        { ordered: false },
      );
      const pruned = await audit.deleteMany({ occurredAt: { $lt: new Date(Date.now() - 86_400_000) } }).exec();
      expect(pruned.deletedCount).toBe(1);
      expect(await audit.find({ orgId: 'o1' }).sort({ occurredAt: -1 }).limit(10).lean().exec()).toHaveLength(1);
    });
  });
});
