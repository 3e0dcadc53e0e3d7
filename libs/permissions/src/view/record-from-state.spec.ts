import { keyCreated, keyRevoked, keyRolled, memberRemoved, memberUpserted, orgUpserted, pageRemoved, pageUpserted } from '../testing/access-events.fixture';
import { applyToRecord } from './apply-to-record';
import { keyRecordFromState, memberRecordFromState, orgRecordFromState, pageRecordFromState, recordIdOf, type KeyState } from './record-from-state';
import type { KeyRecord } from './view.records';

const keyDoc = (over: Partial<KeyState> = {}): KeyState => {
  const created = keyCreated('o1', 'k1', 1, { statusPageIds: ['p1', 'p2'], permissions: ['incident:read'], allowedIps: ['10.0.0.0/8'] }).payload;
  return {
    _id: 'k1', orgId: 'o1', version: 1, keyHash: created.keyHash, type: created.type, userId: null, name: created.name,
    access: created.access, statusPageIds: ['p1', 'p2'], permissions: ['incident:read'], expiresAt: null, allowedIps: ['10.0.0.0/8'],
    prefix: created.prefix, last4: created.last4, revokedAt: null, graceEndsAt: null, replacedBy: null, rolledFrom: null, ...over,
  };
};
const created = () => applyToRecord(null, keyCreated('o1', 'k1', 1, { statusPageIds: ['p1', 'p2'], permissions: ['incident:read'], allowedIps: ['10.0.0.0/8'] }));

describe('records from the source of truth', () => {
  it('a key as created', () => {
    expect(keyRecordFromState(keyDoc())).toEqual(created());
  });

  it('a revoked key: revoked, whatever the reason; the reason and report stay in key-service', () => {
    const doc = { ...keyDoc({ version: 2, revokedAt: '2025-01-02T00:00:00.000Z' }), revokedReason: 'leaked', revocationReport: { url: null, source: null } };
    expect(keyRecordFromState(doc)).toEqual(applyToRecord(created(), keyRevoked('o1', 'k1', 2)));
    expect(keyRecordFromState(doc)).not.toHaveProperty('revokedReason');
  });

  it('a rolled key: grace and replacement', () => {
    const doc = keyDoc({ version: 2, graceEndsAt: '2030-01-01T00:00:00.000Z', replacedBy: 'k2' });
    expect(keyRecordFromState(doc)).toEqual(applyToRecord(created(), keyRolled('o1', 'k1', 2, '2030-01-01T00:00:00.000Z', 'k2')));
  });

  it('never a secret: only what the record holds (no lastUsedAt, outbox or timestamps)', () => {
    const doc = { ...keyDoc(), lastUsedAt: new Date(), outbox: ['{}'], outboxPending: true, createdAt: new Date(), updatedAt: new Date() };
    expect(Object.keys(keyRecordFromState(doc)).sort()).toEqual(Object.keys(created()).sort());
  });

  it('a document written before key permissions existed: no narrowing; arrays are copies', () => {
    const doc = keyDoc();
    delete doc.permissions;
    const record: KeyRecord = keyRecordFromState(doc);
    expect(record.permissions).toBeNull();
    expect(record.statusPageIds).not.toBe(doc.statusPageIds);
    expect(record.allowedIps).not.toBe(doc.allowedIps);
  });

  it('a member: page roles sorted as the reducer sorts them (code units: "B" before "a"), a removed one holds nothing', () => {
    const pageRoles = [{ pageId: 'a', role: 'owner' as const }, { pageId: 'B', role: 'viewer' as const }];
    const doc = { _id: 'o1/u1', orgId: 'o1', userId: 'u1', version: 1, role: 'editor' as const, pageRoles, removed: false };
    const reduced = applyToRecord(null, memberUpserted('o1', 'u1', 1, 'editor', pageRoles));
    expect(memberRecordFromState(doc)).toEqual(reduced);
    expect(memberRecordFromState(doc).pageRoles.map((p) => p.pageId)).toEqual(['B', 'a']);
    expect(memberRecordFromState({ ...doc, version: 2, removed: true })).toEqual(applyToRecord(reduced, memberRemoved('o1', 'u1', 2)));
  });

  it('a page, removed or not, and an org', () => {
    const page = { _id: 'p1', orgId: 'o1', version: 1, name: 'Main', removed: false };
    expect(pageRecordFromState(page)).toEqual(applyToRecord(null, pageUpserted('o1', 'p1', 1, 'Main')));
    expect(pageRecordFromState({ ...page, version: 2, removed: true })).toEqual(
      applyToRecord(applyToRecord(null, pageUpserted('o1', 'p1', 1, 'Main')), pageRemoved('o1', 'p1', 2)),
    );
    expect(orgRecordFromState({ _id: 'o1', version: 3, name: 'Acme' })).toEqual(applyToRecord(null, orgUpserted('o1', 3, 'Acme')));
  });

  it('names each record by its aggregate id', () => {
    expect(recordIdOf('key', created())).toBe('k1');
    expect(recordIdOf('member', memberRecordFromState({ orgId: 'o1', userId: 'u1', version: 1 }))).toBe('o1/u1');
    expect(recordIdOf('page', pageRecordFromState({ _id: 'p1', orgId: 'o1', version: 1, name: 'x' }))).toBe('p1');
    expect(recordIdOf('org', orgRecordFromState({ _id: 'o1', version: 1, name: 'x' }))).toBe('o1');
  });
});
