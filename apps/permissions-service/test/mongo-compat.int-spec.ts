import mongoose, { type Connection } from 'mongoose';
import { memberAggregateId } from '@sp/contracts';
import type { KeyRecord, MemberRecord, PageRecord } from '@sp/permissions';
import { mongoEnvSchema, mongooseOptions } from '@sp/platform';
import { ViewRepository } from '../src/view/view.repository';

/**
 * MongoDB-wire compatibility suite, permissions-service part (see key-service's
 * test/mongo-compat.int-spec.ts): the view repository's version-guarded bulk upserts, its reads,
 * and two writers racing, on the engine of MONGODB_URI over the services' pool (20).
 */
describe('MongoDB-wire compatibility: permissions-service view repository', () => {
  const db = `compat_permissions_${Date.now()}`;
  let conn: Connection;
  let repo: ViewRepository;

  const key = (i: number, version: number, over: Partial<KeyRecord> = {}): KeyRecord => ({
    keyId: `k${i}`, orgId: `o${i % 7}`, version, keyHash: `hash-${i}`, type: 'org', userId: null, name: `key ${i}`, access: 'read',
    statusPageIds: null, expiresAt: null, allowedIps: null, prefix: 'sp_org_', last4: 'abcd', revoked: false, graceEndsAt: null,
    replacedBy: null, rolledFrom: null, ...over,
  });

  beforeAll(async () => {
    if (!process.env.MONGODB_URI) throw new Error('run through npm test: MONGODB_URI is required');
    const { uri, ...options } = mongooseOptions(mongoEnvSchema.parse({ MONGODB_URI: process.env.MONGODB_URI }), db);
    conn = await mongoose.createConnection(uri, options).asPromise();
    repo = new ViewRepository(conn);
    await repo.ensureIndexes();
  });

  afterAll(async () => {
    await repo?.drop();
    await conn?.close();
  });

  it('inserts a bulk of 500 records (version-guarded replaceOne upserts) and loads them with $in on _id', async () => {
    await repo.save(Array.from({ length: 500 }, (_, i) => ({ kind: 'key' as const, id: `k${i}`, record: key(i, 1) })));
    const ids = Array.from({ length: 500 }, (_, i) => `k${i}`);
    const loaded = await repo.load('key', [...ids, 'missing']);
    expect(loaded.size).toBe(500);
    expect(loaded.get('k42')).toEqual(key(42, 1));
    expect(loaded.has('missing')).toBe(false);
  });

  it('replaces 500 existing records in one bulk (the bulk FerretDB 1.24 hung on) and leaves newer ones alone', async () => {
    await repo.save(Array.from({ length: 500 }, (_, i) => ({ kind: 'key' as const, id: `k${i}`, record: key(i, 3, { revoked: i % 2 === 0 }) })));
    // Older versions than stored: no change, and the duplicate-key error of the refused upsert is swallowed.
    await repo.save(Array.from({ length: 500 }, (_, i) => ({ kind: 'key' as const, id: `k${i}`, record: key(i, 2, { name: 'stale' }) })));
    const loaded = await repo.load('key', Array.from({ length: 500 }, (_, i) => `k${i}`));
    expect([...loaded.values()].every((r) => r.version === 3 && (r as KeyRecord).name !== 'stale')).toBe(true);
    expect(loaded.get('k10')).toMatchObject({ revoked: true });
    expect(loaded.get('k11')).toMatchObject({ revoked: false });
  });

  it('two writers racing on the same records keep the newest version of each', async () => {
    const ids = Array.from({ length: 50 }, (_, i) => 1000 + i);
    const writer = (versions: number[]) =>
      Promise.all(versions.map((v) => repo.save(ids.map((i) => ({ kind: 'key' as const, id: `k${i}`, record: key(i, v, { name: `v${v}` }) })))));
    await Promise.all([writer([1, 3, 5, 7, 9]), writer([2, 4, 6, 8, 10])]);
    const loaded = await repo.load('key', ids.map((i) => `k${i}`));
    expect(loaded.size).toBe(50);
    for (const record of loaded.values()) expect(record).toMatchObject({ version: 10, name: 'v10' });
  });

  it('answers the lookups of the authorize path: key by hash, member by id, page by id', async () => {
    const member: MemberRecord = { orgId: 'o1', userId: 'u1', version: 1, role: 'editor', pageRoles: [{ pageId: 'p1', role: 'viewer' }], removed: false };
    const page: PageRecord = { orgId: 'o1', pageId: 'p1', version: 1, name: 'Main', removed: false };
    await repo.save([
      { kind: 'member', id: memberAggregateId('o1', 'u1'), record: member },
      { kind: 'page', id: 'p1', record: page },
    ]);
    expect(await repo.keyByHash('hash-7')).toMatchObject({ keyId: 'k7', version: 3 });
    expect(await repo.keyByHash('no-such-hash')).toBeNull();
    expect(await repo.member('o1', 'u1')).toEqual(member);
    expect(await repo.page('p1')).toEqual(page);
  });

  it('takes a sorted snapshot of every record', async () => {
    const snapshot = await repo.snapshot();
    expect(snapshot.keys).toHaveLength(550);
    expect(snapshot.members).toHaveLength(1);
    expect(snapshot.pages).toHaveLength(1);
    const keyIds = snapshot.keys.map((k) => k.keyId);
    expect(keyIds).toEqual([...keyIds].sort());
  });
});
