import type { AggregateKind, KeyRecord, MemberRecord, PageRecord, ViewRecord } from '@sp/permissions';
import { compareViews } from './rebuild-view';

const keyRecord = (over: Partial<KeyRecord>): KeyRecord => ({
  keyId: 'k1', orgId: 'o1', version: 1, keyHash: 'a'.repeat(64), type: 'org', userId: null, name: 'ci', access: 'read', statusPageIds: null,
  permissions: null, expiresAt: null, allowedIps: null, prefix: 'sp_org_', last4: 'abcd', revoked: false, graceEndsAt: null, replacedBy: null, rolledFrom: null,
  ...over,
});
const memberRecord = (over: Partial<MemberRecord> = {}): MemberRecord => ({ orgId: 'o1', userId: 'u1', version: 1, role: null, pageRoles: [], removed: false, ...over });
const pageRecord = (over: Partial<PageRecord>): PageRecord => ({ orgId: 'o1', pageId: 'p1', version: 1, name: 'page', removed: false, ...over });

const view = (records: Partial<Record<AggregateKind, ViewRecord[]>>) => ({
  async *records(kind: AggregateKind) {
    yield* records[kind] ?? [];
  },
});

describe('compareViews', () => {
  it('equal whatever the order of records and of fields; a key record stored before `permissions` existed has none', async () => {
    const { permissions: _none, ...old } = keyRecord({ keyId: 'k1' });
    const reordered = Object.fromEntries(Object.entries(memberRecord()).reverse()) as unknown as ViewRecord;
    const live = view({ key: [old as ViewRecord, keyRecord({ keyId: 'k2' })], member: [reordered] });
    const rebuilt = view({ key: [keyRecord({ keyId: 'k2' }), keyRecord({ keyId: 'k1' })], member: [memberRecord()] });
    expect(await compareViews(live, rebuilt)).toEqual({
      counts: { live: { orgs: 0, pages: 0, members: 1, keys: 2 }, rebuilt: { orgs: 0, pages: 0, members: 1, keys: 2 } },
      differences: [],
    });
  });

  it('tells nested fields and their order apart, and records only one side holds', async () => {
    const roles = [{ pageId: 'p1', role: 'owner' as const }, { pageId: 'p2', role: 'viewer' as const }];
    const live = view({ member: [memberRecord({ pageRoles: roles })], page: [pageRecord({ pageId: 'p1' })] });
    const rebuilt = view({ member: [memberRecord({ pageRoles: [...roles].reverse() })], page: [pageRecord({ pageId: 'p2' })] });
    const { differences } = await compareViews(live, rebuilt, new Set(['page:p2']));
    expect(differences.map((d) => [d.kind, d.id, d.pending ?? false])).toEqual([
      ['pages', 'p2', true],
      ['pages', 'p1', false],
      ['members', 'o1/u1', false],
    ]);
    expect(differences[0]).toMatchObject({ live: null, rebuilt: { pageId: 'p2' } });
    expect(differences[2]).toMatchObject({ live: { pageRoles: roles }, rebuilt: { pageRoles: [...roles].reverse() } });
  });
});
