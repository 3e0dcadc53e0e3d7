import fc from 'fast-check';
import { KEY_PERMISSIONS, ORG_ROLES, PAGE_ROLES, PERMISSIONS, type Permission } from '@sp/contracts';
import { hashOf } from '../testing/access-events.fixture';
import type { KeyRecord, MemberRecord, PageRecord } from '../view/view.records';
import type { AccessFacts, AccessRequest } from './access.types';
import { evaluateAccess, evaluatePrincipal, readablePages } from './evaluate-access';
import { isOrgLevelPermission, isReadPermission } from './permission-table';

const NOW = Date.parse('2025-06-01T00:00:00.000Z');
const PAGES = ['p1', 'p2', 'p3', 'q1'];
const iso = (offset: number) => new Date(NOW + offset).toISOString();

const keyArb: fc.Arbitrary<KeyRecord> = fc
  .record({
    type: fc.constantFrom('org' as const, 'user' as const),
    orgId: fc.constantFrom('o1', 'o2'),
    access: fc.constantFrom('read' as const, 'read_write' as const),
    statusPageIds: fc.option(fc.subarray(PAGES)),
    permissions: fc.option(fc.subarray([...KEY_PERMISSIONS] as Permission[], { minLength: 1 }), { freq: 2 }),
    expiresAt: fc.option(fc.integer({ min: -2000, max: 2000 }).map(iso), { freq: 2 }),
    graceEndsAt: fc.option(fc.integer({ min: -2000, max: 2000 }).map(iso), { freq: 2 }),
    allowedIps: fc.option(fc.subarray(['10.0.0.0/8', '2001:db8::/32', '192.168.1.1', 'not-a-cidr']), { freq: 2 }),
    revoked: fc.boolean(),
    complete: fc.boolean(),
  })
  .map(({ complete, ...k }) => ({
    keyId: 'k1',
    version: 1,
    keyHash: complete || k.revoked ? hashOf('k1') : null,
    userId: k.type === 'user' ? 'u1' : null,
    name: 'key',
    prefix: 'sp_',
    last4: 'abcd',
    replacedBy: null,
    rolledFrom: null,
    ...k,
  }));

const memberArb: fc.Arbitrary<MemberRecord | null> = fc.option(
  fc.record({
    orgId: fc.constantFrom('o1', 'o2'),
    userId: fc.constant('u1'),
    version: fc.constant(1),
    role: fc.option(fc.constantFrom(...ORG_ROLES)),
    pageRoles: fc.uniqueArray(fc.record({ pageId: fc.constantFrom(...PAGES), role: fc.constantFrom(...PAGE_ROLES) }), {
      selector: (r) => r.pageId,
    }),
    removed: fc.boolean(),
  }),
  { freq: 5 },
);

const pageArb: fc.Arbitrary<PageRecord | null> = fc.option(
  fc.record({
    orgId: fc.constantFrom('o1', 'o2'),
    pageId: fc.constantFrom(...PAGES),
    version: fc.constant(1),
    name: fc.constant('page'),
    removed: fc.boolean(),
  }),
  { freq: 5 },
);

/** Facts and a request: mostly coherent (the page is the requested one), sometimes not. */
const caseArb = fc
  .record({
    key: keyArb,
    member: memberArb,
    page: pageArb,
    clientIp: fc.constantFrom(null, '10.0.0.1', '192.168.1.1', '2001:db8::1', '::ffff:10.2.3.4', '8.8.8.8'),
    permission: fc.constantFrom(...PERMISSIONS),
    orgId: fc.constantFrom('o1', 'o2'),
    otherPageId: fc.option(fc.constantFrom(...PAGES), { freq: 5 }),
  })
  .map(({ key, member, page, clientIp, permission, orgId, otherPageId }) => {
    const facts: AccessFacts = { key, member, page, now: NOW, clientIp };
    const request: AccessRequest = { permission, orgId, statusPageId: otherPageId ?? page?.pageId ?? null };
    return { facts, request };
  });

const RUNS = { numRuns: 2000 };

describe('evaluateAccess properties', () => {
  it('narrowing (access read, a subset of statusPageIds) never adds a right', () => {
    fc.assert(
      fc.property(caseArb, fc.boolean(), fc.option(fc.subarray(PAGES)), ({ facts, request }, toRead, subset) => {
        const pages = subset === null ? facts.key.statusPageIds : subset.filter((p) => facts.key.statusPageIds?.includes(p) ?? true);
        const narrowed: KeyRecord = { ...facts.key, access: toRead ? 'read' : facts.key.access, statusPageIds: pages };
        for (const permission of PERMISSIONS) {
          const r = { ...request, permission };
          if (evaluateAccess({ ...facts, key: narrowed }, r).allowed) expect(evaluateAccess(facts, r).allowed).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('adding `permissions` never adds a right, and a key with them holds only rights they name', () => {
    fc.assert(
      fc.property(caseArb, fc.subarray([...KEY_PERMISSIONS] as Permission[], { minLength: 1 }), ({ facts, request }, extra) => {
        // Narrowing a key that has none, or narrowing its narrowing further.
        const current = facts.key.permissions ?? null;
        const permissions = current === null ? extra : current.filter((p) => extra.includes(p));
        fc.pre(permissions.length > 0);
        const narrowed: KeyRecord = { ...facts.key, permissions };
        for (const permission of PERMISSIONS) {
          const r = { ...request, permission };
          if (evaluateAccess({ ...facts, key: narrowed }, r).allowed) {
            expect(evaluateAccess(facts, r).allowed).toBe(true);
            expect(permissions).toContain(permission);
          }
        }
      }),
      RUNS,
    );
  });

  it('rights = role (or access level) rights ∩ permissions ∩ pages', () => {
    fc.assert(
      fc.property(caseArb, ({ facts, request }) => {
        const { permissions, statusPageIds } = facts.key;
        const unnarrowed: KeyRecord = { ...facts.key, permissions: null, statusPageIds: null };
        for (const permission of PERMISSIONS) {
          const r = { ...request, permission };
          const inPermissions = permissions == null || permissions.includes(permission);
          // Org-level rights are never on a key narrowed to pages; a page-scoped one needs the page in reach.
          const inPages = isOrgLevelPermission(permission)
            ? statusPageIds === null
            : statusPageIds === null || (r.statusPageId != null && statusPageIds.includes(r.statusPageId));
          const base = evaluateAccess({ ...facts, key: unnarrowed }, r).allowed;
          expect(evaluateAccess(facts, r).allowed).toBe(base && inPermissions && inPages);
        }
      }),
      RUNS,
    );
  });

  it('no key ever holds member:write or api_key:manage', () => {
    fc.assert(
      fc.property(caseArb, ({ facts, request }) => {
        const key: KeyRecord = { ...facts.key, permissions: null };
        for (const permission of ['member:write', 'api_key:manage'] as const) {
          expect(evaluateAccess({ ...facts, key }, { ...request, permission }).allowed).toBe(false);
        }
      }),
      RUNS,
    );
  });

  it('a key never reaches another org: not_found once the key itself is accepted', () => {
    fc.assert(
      fc.property(caseArb, ({ facts, request }) => {
        const elsewhere = { ...request, orgId: facts.key.orgId === 'o1' ? 'o2' : 'o1' };
        const decision = evaluateAccess(facts, elsewhere);
        expect(decision.allowed).toBe(false);
        const principal = evaluatePrincipal(facts.key, facts.member, facts.now, facts.clientIp);
        expect(decision.reason).toBe(principal.allowed ? 'not_found' : principal.reason);
      }),
      RUNS,
    );
  });

  it('a page of another org is never reached, even when asked under the key org', () => {
    fc.assert(
      fc.property(caseArb, ({ facts, request }) => {
        fc.pre(facts.page !== null && facts.page.orgId !== facts.key.orgId && !isOrgLevelPermission(request.permission));
        expect(evaluateAccess(facts, { ...request, orgId: facts.key.orgId }).allowed).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('a read key never gets a non-read permission', () => {
    fc.assert(
      fc.property(caseArb, ({ facts, request }) => {
        const key: KeyRecord = { ...facts.key, access: 'read' };
        for (const permission of PERMISSIONS.filter((p: Permission) => !isReadPermission(p))) {
          expect(evaluateAccess({ ...facts, key }, { ...request, permission }).allowed).toBe(false);
        }
      }),
      RUNS,
    );
  });

  it('org-level permissions only ever go to un-narrowed user keys with an org role', () => {
    fc.assert(
      fc.property(caseArb, ({ facts, request }) => {
        for (const permission of PERMISSIONS.filter(isOrgLevelPermission)) {
          if (evaluateAccess(facts, { ...request, permission }).allowed) {
            expect(facts.key.type).toBe('user');
            expect(facts.key.statusPageIds).toBeNull();
            expect(facts.member?.role).toEqual(expect.any(String));
          }
        }
      }),
      RUNS,
    );
  });

  it('a denied principal is denied for every request, with the same reason', () => {
    fc.assert(
      fc.property(caseArb, ({ facts, request }) => {
        const principal = evaluatePrincipal(facts.key, facts.member, facts.now, facts.clientIp);
        if (!principal.allowed) expect(evaluateAccess(facts, request)).toBe(principal);
      }),
      RUNS,
    );
  });

  it('readablePages lists exactly the pages on which evaluateAccess allows status_page:read', () => {
    const pagesArb = fc.array(pageArb.filter((p): p is PageRecord => p !== null), { maxLength: 6 });
    const ipArb = fc.constantFrom(null, '10.0.0.1', '192.168.1.1', '8.8.8.8');
    fc.assert(
      fc.property(keyArb, memberArb, pagesArb, ipArb, (key, member, pages, clientIp) => {
        const expected = pages.filter(
          (page) =>
            evaluateAccess({ key, member, page, now: NOW, clientIp }, { permission: 'status_page:read', orgId: key.orgId, statusPageId: page.pageId }).allowed,
        );
        expect(readablePages(key, member, pages, NOW, clientIp)).toEqual(expected);
      }),
      RUNS,
    );
  });
});
