import { viewSnapshotLines, ViewSnapshotReader, type SnapshotLine } from './view-snapshot.stream';
import type { AggregateKind, KeyRecord, MemberRecord, OrgRecord, PageRecord, ViewRecord } from './view.records';

const org: OrgRecord = { orgId: 'org_a', version: 2, name: 'Acme' };
const page: PageRecord = { orgId: 'org_a', pageId: 'page_1', version: 1, name: 'Main', removed: false };
const member: MemberRecord = { orgId: 'org_a', userId: 'usr_1', version: 3, role: null, pageRoles: [{ pageId: 'page_1', role: 'editor' }], removed: false };
const key = (over: Partial<KeyRecord>): KeyRecord => ({
  keyId: 'key_1', orgId: 'org_a', version: 1, keyHash: 'h1', type: 'user', userId: 'usr_1', name: 'deploy', access: 'read',
  statusPageIds: ['page_1'], permissions: null, expiresAt: null, allowedIps: ['10.0.0.0/8'], prefix: 'sp_usr_', last4: 'abcd',
  revoked: false, graceEndsAt: null, replacedBy: null, rolledFrom: null, ...over,
});

async function textOf(byKind: { [K in AggregateKind]?: ViewRecord[] }): Promise<string> {
  let text = '';
  for await (const chunk of viewSnapshotLines(new Map([[0, 4n]]), async function* (kind) { yield* byKind[kind] ?? []; })) text += chunk;
  return text;
}

const records = (lines: SnapshotLine[]) => lines.flatMap((l) => ('kind' in l ? [l.record] : []));

describe('view snapshot lines', () => {
  it('carries an org and a member once: later records refer to their lines and share their id strings', async () => {
    const userKey = key({});
    const orgKey = key({ keyId: 'key_2', keyHash: 'h2', type: 'org', userId: null });
    const text = await textOf({ org: [org], page: [page], member: [member], key: [userKey, orgKey] });
    expect(text.split('\n')[4]).toBe('["key","key_1",0,1,"h1","user",0,"deploy","read",["page_1"],null,null,["10.0.0.0/8"],"sp_usr_","abcd",false,null,null,null]');
    const lines = ViewSnapshotReader.parse(text);
    expect(lines[0]).toEqual({ offsets: new Map([[0, 4n]]) });
    expect(records(lines)).toEqual([org, page, member, userKey, orgKey]);
    const [o, p, m, k1, k2] = records(lines) as [OrgRecord, PageRecord, MemberRecord, KeyRecord, KeyRecord];
    for (const r of [p, m, k1, k2]) expect(Object.is(r.orgId, o.orgId)).toBe(true);
    expect(Object.is(k1.userId, m.userId)).toBe(true);
  });

  it('carries the ids themselves of orgs and members not in the snapshot, and an absent field as null', async () => {
    const { permissions: _absent, ...older } = key({ orgId: 'org_gone', userId: 'usr_gone' });
    const stray: MemberRecord = { ...member, orgId: 'org_gone', userId: 'usr_other' };
    const lines = ViewSnapshotReader.parse(await textOf({ org: [org], member: [stray], key: [older as KeyRecord] }));
    expect(records(lines)).toEqual([org, stray, { ...older, permissions: null }]);
  });

  it('refuses a line of an unknown kind, of the wrong number of fields, or referring to a line it has not seen', () => {
    const reader = new ViewSnapshotReader();
    expect(() => reader.lines('{"kind":"key","record":{}}')).toThrow(/not a record line/);
    expect(() => reader.lines('["team","t1",1,"x"]')).toThrow(/not a record line/);
    expect(() => reader.lines('["org","org_a",1]')).toThrow(/not a record line/);
    expect(() => reader.lines('["page",0,"page_1",1,"Main",false]')).toThrow(/not a record line/);
    reader.lines('["org","org_a",1,"Acme"]');
    expect(reader.lines('["page",0,"page_1",1,"Main",false]\n')).toEqual([{ kind: 'page', record: { ...page, version: 1 } }]);
    expect(() => reader.lines('["page",0,"page_1",1,"Main",false]\n["page",0,"page_2",1,"Main",fals]')).toThrow(/not a record line: \["page",0,"page_2"/);
    expect(() => reader.lines('["page",0,"page_1",1,"Main",false]\n\n["page",0,"page_2",1,"Main",false]')).toThrow(/not a record line/);
    expect(() => reader.lines('["key","key_1",0,1,"h1","user",0,"deploy","read",null,null,null,null,"sp_usr_","abcd",false,null,null,null]')).toThrow(/not a record line/);
  });
});
