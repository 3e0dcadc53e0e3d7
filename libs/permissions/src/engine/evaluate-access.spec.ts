import type { Permission } from '@sp/contracts';
import { keyRecord, memberRecord, pageRecord, userKeyRecord } from '../testing/access-events.fixture';
import type { KeyRecord, MemberRecord, PageRecord } from '../view/view.records';
import type { AccessFacts, AccessRequest } from './access.types';
import { effectiveRole, evaluateAccess, evaluatePrincipal, readablePages } from './evaluate-access';

const NOW = Date.parse('2025-06-01T12:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

const owner = memberRecord({ role: 'owner' });
const p1 = pageRecord({ pageId: 'p1' });

function facts(overrides: Partial<AccessFacts> = {}): AccessFacts {
  return { key: userKeyRecord({ access: 'read_write' }), member: owner, page: p1, now: NOW, clientIp: '10.1.2.3', ...overrides };
}
function request(permission: Permission = 'incident:write', overrides: Partial<AccessRequest> = {}): AccessRequest {
  return { permission, orgId: 'o1', statusPageId: 'p1', ...overrides };
}
const reason = (f: Partial<AccessFacts>, r: AccessRequest = request()) => evaluateAccess(facts(f), r).reason;

describe('evaluateAccess', () => {
  it('allows a valid user key within its role', () => {
    expect(evaluateAccess(facts(), request())).toEqual({ allowed: true, reason: 'allowed' });
  });

  describe('key_revoked', () => {
    it('denies a revoked key whatever else holds', () => {
      expect(evaluateAccess(facts({ key: userKeyRecord({ revoked: true }) }), request())).toEqual({ allowed: false, reason: 'key_revoked' });
    });
    it('is reported before expiry, membership and IP', () => {
      const key = userKeyRecord({ revoked: true, expiresAt: iso(NOW - 1), allowedIps: ['192.168.0.0/16'] });
      expect(reason({ key, member: null })).toBe('key_revoked');
    });
  });

  describe('key_incomplete', () => {
    it('denies a tombstone (no hash)', () => {
      expect(reason({ key: keyRecord({ keyHash: null }) })).toBe('key_incomplete');
    });
    it('denies a key without type', () => {
      expect(reason({ key: keyRecord({ type: null }) })).toBe('key_incomplete');
    });
    it('denies a user key without user', () => {
      expect(reason({ key: userKeyRecord({ userId: null }) })).toBe('key_incomplete');
    });
  });

  describe('key_expired', () => {
    it.each([
      ['expires in 1 ms', NOW + 1, 'allowed'],
      ['expires exactly now', NOW, 'key_expired'],
      ['expired 1 ms ago', NOW - 1, 'key_expired'],
    ] as const)('%s', (_label, expiresAt, expectedReason) => {
      expect(reason({ key: userKeyRecord({ access: 'read_write', expiresAt: iso(expiresAt) }) })).toBe(expectedReason);
    });

    it('treats an unparsable expiry as past (fail closed)', () => {
      expect(reason({ key: userKeyRecord({ access: 'read_write', expiresAt: 'not a date' }) })).toBe('key_expired');
    });

    it.each([
      ['grace ends in 1 ms', NOW + 1, 'allowed'],
      ['grace ends exactly now', NOW, 'key_expired'],
      ['grace ended 1 ms ago', NOW - 1, 'key_expired'],
    ] as const)('rolled key: %s', (_label, graceEndsAt, expectedReason) => {
      const key = userKeyRecord({ access: 'read_write', graceEndsAt: iso(graceEndsAt), replacedBy: 'k2' });
      expect(reason({ key })).toBe(expectedReason);
    });

    it('grace never outlives expiry', () => {
      const key = userKeyRecord({ access: 'read_write', expiresAt: iso(NOW - 1000), graceEndsAt: iso(NOW + 60_000) });
      expect(reason({ key })).toBe('key_expired');
      expect(reason({ key, now: NOW - 1001 })).toBe('allowed');
    });

    it('a grace shorter than the expiry ends the key first', () => {
      const key = userKeyRecord({ access: 'read_write', expiresAt: iso(NOW + 60_000), graceEndsAt: iso(NOW + 1000) });
      expect(reason({ key, now: NOW + 999 })).toBe('allowed');
      expect(reason({ key, now: NOW + 1000 })).toBe('key_expired');
    });

    it('is reported before membership', () => {
      expect(reason({ key: userKeyRecord({ expiresAt: iso(NOW) }), member: null })).toBe('key_expired');
    });
  });

  describe('member_removed', () => {
    it.each<[string, MemberRecord | null]>([
      ['no membership', null],
      ['removed', memberRecord({ role: 'owner', removed: true })],
      ['neither org role nor page role', memberRecord({ role: null, pageRoles: [] })],
      ['membership of another user', memberRecord({ role: 'owner', userId: 'u2' })],
      ['membership in another org', memberRecord({ role: 'owner', orgId: 'o2' })],
    ])('denies a user key: %s', (_label, member) => {
      expect(reason({ member })).toBe('member_removed');
    });

    it('does not concern org keys', () => {
      expect(reason({ key: keyRecord({ access: 'read_write' }), member: null })).toBe('allowed');
    });

    it('is reported before the IP allowlist', () => {
      expect(reason({ key: userKeyRecord({ allowedIps: ['192.168.0.0/16'] }), member: null })).toBe('member_removed');
    });
  });

  describe('ip_not_allowed', () => {
    const key = userKeyRecord({ access: 'read_write', allowedIps: ['10.0.0.0/8', '2001:db8::/32'] });
    it.each([
      ['10.255.0.1', 'allowed'],
      ['::ffff:10.0.0.1', 'allowed'],
      ['2001:db8::1', 'allowed'],
      ['11.0.0.1', 'ip_not_allowed'],
      ['2001:db9::1', 'ip_not_allowed'],
      ['garbage', 'ip_not_allowed'],
    ] as const)('client %s -> %s', (clientIp, expectedReason) => {
      expect(reason({ key, clientIp })).toBe(expectedReason);
    });
    it('denies an unknown client address', () => {
      expect(reason({ key, clientIp: null })).toBe('ip_not_allowed');
    });
    it('an empty allowlist admits nobody, a null one everybody', () => {
      expect(reason({ key: userKeyRecord({ allowedIps: [] }) })).toBe('ip_not_allowed');
      expect(reason({ key: userKeyRecord({ access: 'read_write', allowedIps: null }), clientIp: null })).toBe('allowed');
    });
    it('an allowlist of only invalid entries admits nobody', () => {
      expect(reason({ key: userKeyRecord({ allowedIps: ['10.0.0.0/33', 'nope'] }), clientIp: '10.0.0.1' })).toBe('ip_not_allowed');
    });
    it('is reported before the org check', () => {
      expect(reason({ key, clientIp: '11.0.0.1' }, request('incident:write', { orgId: 'o2' }))).toBe('ip_not_allowed');
    });
  });

  describe('not_found', () => {
    it('never reaches another org, even an owner, even for org-level permissions', () => {
      expect(reason({}, request('incident:read', { orgId: 'o2' }))).toBe('not_found');
      expect(reason({ page: pageRecord({ orgId: 'o2' }) }, request('incident:read', { orgId: 'o2' }))).toBe('not_found');
      expect(reason({ page: null }, request('member:read', { orgId: 'o2', statusPageId: null }))).toBe('not_found');
    });

    it.each<[string, PageRecord | null, string | null | undefined]>([
      ['no page record', null, 'p1'],
      ['no page requested', null, undefined],
      ['a page of another org', pageRecord({ orgId: 'o2' }), 'p1'],
      ['a removed page', pageRecord({ removed: true }), 'p1'],
      ['a page record other than the requested one', pageRecord({ pageId: 'p9' }), 'p1'],
      ['a page record without a requested id', p1, null],
    ])('page-scoped permission on %s', (_label, page, statusPageId) => {
      expect(reason({ page }, request('incident:read', { statusPageId }))).toBe('not_found');
    });

    it('a page outside the key statusPageIds', () => {
      const key = userKeyRecord({ statusPageIds: ['p2'] });
      expect(reason({ key }, request('incident:read'))).toBe('not_found');
      expect(reason({ key: keyRecord({ statusPageIds: ['p2'] }), member: null }, request('incident:read'))).toBe('not_found');
    });

    it('a page the user has no role on', () => {
      const member = memberRecord({ role: null, pageRoles: [{ pageId: 'p2', role: 'owner' }] });
      expect(reason({ member }, request('incident:read'))).toBe('not_found');
    });
  });

  describe('insufficient_permissions', () => {
    it('a visible page without the right', () => {
      expect(reason({ member: memberRecord({ role: 'viewer' }) })).toBe('insufficient_permissions');
    });
    it('a read key for a write permission on a visible page', () => {
      expect(reason({ key: userKeyRecord({ access: 'read' }) })).toBe('insufficient_permissions');
      expect(reason({ key: keyRecord({ access: 'read' }), member: null })).toBe('insufficient_permissions');
    });
    it('org-level permissions for org keys, page-narrowed keys and page-only members', () => {
      const orgLevel = request('member:read', { statusPageId: null });
      expect(reason({ key: keyRecord({ access: 'read_write' }), member: null, page: null }, orgLevel)).toBe('insufficient_permissions');
      expect(reason({ key: userKeyRecord({ statusPageIds: ['p1'] }), page: null }, orgLevel)).toBe('insufficient_permissions');
      const pageOnly = memberRecord({ pageRoles: [{ pageId: 'p1', role: 'owner' }] });
      expect(reason({ member: pageOnly, page: null }, orgLevel)).toBe('insufficient_permissions');
      expect(reason({ page: null }, orgLevel)).toBe('allowed');
    });
  });

  it('returns shared decisions without allocating', () => {
    expect(evaluateAccess(facts(), request())).toBe(evaluateAccess(facts(), request()));
    expect(Object.isFrozen(evaluateAccess(facts(), request()))).toBe(true);
  });
});

describe('evaluatePrincipal', () => {
  it('checks the key alone', () => {
    expect(evaluatePrincipal(userKeyRecord(), owner, NOW, null).reason).toBe('allowed');
    expect(evaluatePrincipal(userKeyRecord({ revoked: true }), owner, NOW, null).reason).toBe('key_revoked');
    expect(evaluatePrincipal(userKeyRecord(), null, NOW, null).reason).toBe('member_removed');
    expect(evaluatePrincipal(keyRecord({ allowedIps: ['10.0.0.0/8'] }), null, NOW, '11.0.0.1').reason).toBe('ip_not_allowed');
  });
});

describe('readablePages', () => {
  const pages = ['p1', 'p2', 'p3'].map((pageId) => pageRecord({ pageId }));
  const ids = (key: KeyRecord, member: MemberRecord | null, list: readonly PageRecord[] = pages) =>
    readablePages(key, member, list, NOW, null).map((p) => p.pageId);

  it('lists every page for an org role that reads pages', () => {
    expect(ids(userKeyRecord(), memberRecord({ role: 'viewer' }))).toEqual(['p1', 'p2', 'p3']);
    expect(ids(keyRecord(), null)).toEqual(['p1', 'p2', 'p3']);
  });
  it('lists only the pages of page roles', () => {
    expect(ids(userKeyRecord(), memberRecord({ pageRoles: [{ pageId: 'p2', role: 'viewer' }] }))).toEqual(['p2']);
  });
  it('billing reads no page, except those it has a page role on', () => {
    expect(ids(userKeyRecord(), memberRecord({ role: 'billing' }))).toEqual([]);
    expect(ids(userKeyRecord(), memberRecord({ role: 'billing', pageRoles: [{ pageId: 'p3', role: 'editor' }] }))).toEqual(['p3']);
  });
  it('honours statusPageIds, removed pages and other orgs', () => {
    const list = [...pages, pageRecord({ pageId: 'p4', removed: true }), pageRecord({ pageId: 'p5', orgId: 'o2' })];
    expect(ids(keyRecord({ statusPageIds: ['p3', 'p4', 'p5'] }), null, list)).toEqual(['p3']);
    expect(ids(keyRecord(), null, list)).toEqual(['p1', 'p2', 'p3']);
  });
  it('is empty for a denied key', () => {
    expect(ids(keyRecord({ revoked: true }), null)).toEqual([]);
    expect(ids(userKeyRecord(), memberRecord({ role: 'owner', removed: true }))).toEqual([]);
  });
});

describe('effectiveRole', () => {
  it('is the page role for its page, else the org role', () => {
    const member = memberRecord({ role: 'editor', pageRoles: [{ pageId: 'p1', role: 'viewer' }] });
    expect(effectiveRole(member, 'p1')).toBe('viewer');
    expect(effectiveRole(member, 'p2')).toBe('editor');
    expect(effectiveRole(memberRecord(), 'p1')).toBeNull();
  });
});
