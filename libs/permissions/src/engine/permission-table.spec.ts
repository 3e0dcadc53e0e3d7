import { ORG_ROLES, PAGE_ROLES, PERMISSIONS, type KeyAccess, type OrgRole, type Permission } from '@sp/contracts';
import { hashOf, keyRecord, memberRecord, pageRecord, userKeyRecord } from '../testing/access-events.fixture';
import type { KeyRecord, MemberRecord } from '../view/view.records';
import type { Decision } from './access.types';
import { evaluateAccess, evaluateMemberAction } from './evaluate-access';
import { isManagementPermission, isOrgLevelPermission, orgKeyGrants, PERMISSION_TABLE, roleGrants } from './permission-table';

// DESIGN.md "Roles", pasted verbatim: the tests read the expectation from this text, not from the code.
const DESIGN_TABLE = `
| permission | owner | admin | editor | viewer | billing | org key \`read\` | org key \`read_write\` |
|---|---|---|---|---|---|---|---|
| status_page:read | Y | Y | Y | Y | - | Y | Y |
| status_page:write (settings, services) | Y | Y | - | - | - | - | Y |
| status_page:delete | Y | - | - | - | - | - | - |
| incident:read (incidents, maintenances) | Y | Y | Y | Y | - | Y | Y |
| incident:write | Y | Y | Y | - | - | - | Y |
| subscription:read | Y | Y | - | - | - | Y | Y |
| subscription:write | Y | Y | - | - | - | - | Y |
| member:read (org level) | Y | Y | - | - | - | - | - |
| billing:read (org level) | Y | - | - | - | Y | - | - |
| member:write (org level) | Y | Y | - | - | - | - | - |
| api_key:manage (org level: org keys, others' user keys) | Y | Y | - | - | - | - | - |
`;

type Column = OrgRole | 'orgKeyRead' | 'orgKeyReadWrite';
const COLUMNS: Column[] = ['owner', 'admin', 'editor', 'viewer', 'billing', 'orgKeyRead', 'orgKeyReadWrite'];

function parseDesignTable(text: string): Map<Permission, Record<Column, boolean>> {
  const rows = new Map<Permission, Record<Column, boolean>>();
  for (const line of text.trim().split('\n').slice(2)) {
    const cells = line.split('|').slice(1, -1).map((cell) => cell.trim());
    const permission = cells[0].split(' ')[0] as Permission;
    const marks = cells.slice(1);
    if (marks.length !== COLUMNS.length || marks.some((m) => m !== 'Y' && m !== '-')) throw new Error(`bad row: ${line}`);
    rows.set(permission, Object.fromEntries(COLUMNS.map((column, i) => [column, marks[i] === 'Y'])) as Record<Column, boolean>);
  }
  return rows;
}

const EXPECTED = parseDesignTable(DESIGN_TABLE);
const expected = (permission: Permission, column: Column): boolean => {
  const row = EXPECTED.get(permission);
  if (row === undefined) throw new Error(`no row for ${permission}`);
  return row[column];
};

const ORG_LEVEL: Permission[] = ['member:read', 'billing:read', 'member:write', 'api_key:manage'];
const MANAGEMENT: Permission[] = ['member:write', 'api_key:manage'];
/** What a key gets for a cell: the table's mark, except the management rows, which no key ever holds. */
const keyExpected = (permission: Permission, column: Column): boolean => expected(permission, column) && !MANAGEMENT.includes(permission);
const PAGE_SCOPED = PERMISSIONS.filter((p) => !ORG_LEVEL.includes(p));
const NOW = Date.parse('2025-06-01T00:00:00Z');

/** What DESIGN.md says a role gets for a page-scoped permission: Y, or 404 if it cannot even read the page, else 403. */
function expectedOnPage(role: OrgRole, permission: Permission): Decision['reason'] {
  if (expected(permission, role)) return 'allowed';
  return expected('status_page:read', role) ? 'insufficient_permissions' : 'not_found';
}

function decide(key: KeyRecord, member: MemberRecord | null, permission: Permission, pageId = 'p1'): Decision['reason'] {
  const orgLevel = ORG_LEVEL.includes(permission);
  return evaluateAccess(
    { key, member, page: orgLevel ? null : pageRecord({ pageId }), now: NOW, clientIp: null },
    { permission, orgId: 'o1', statusPageId: orgLevel ? null : pageId },
  ).reason;
}

const userKey = (access: KeyAccess = 'read_write', statusPageIds: string[] | null = null) =>
  userKeyRecord({ access, statusPageIds, keyHash: hashOf('uk') });
const orgKey = (access: KeyAccess, statusPageIds: string[] | null = null) => keyRecord({ access, statusPageIds });

describe('the permission table', () => {
  it('covers exactly the permissions of the contracts, and the parsed design table is well-formed', () => {
    expect([...EXPECTED.keys()].sort()).toEqual([...PERMISSIONS].sort());
    expect(Object.keys(PERMISSION_TABLE).sort()).toEqual([...PERMISSIONS].sort());
  });

  it.each(PERMISSIONS.flatMap((p) => COLUMNS.map((c) => [p, c] as const)))('PERMISSION_TABLE[%s][%s] matches DESIGN.md', (permission, column) => {
    expect(PERMISSION_TABLE[permission][column]).toBe(expected(permission, column));
  });

  it.each(PERMISSIONS.flatMap((p) => ORG_ROLES.map((r) => [p, r] as const)))('roleGrants(%s, %s)', (permission, role) => {
    expect(roleGrants(role, permission)).toBe(expected(permission, role));
  });

  it.each(PERMISSIONS)('orgKeyGrants for %s', (permission) => {
    expect(orgKeyGrants('read', permission)).toBe(expected(permission, 'orgKeyRead'));
    expect(orgKeyGrants('read_write', permission)).toBe(expected(permission, 'orgKeyReadWrite'));
  });

  it('knows the org-level permissions', () => {
    expect(PERMISSIONS.filter(isOrgLevelPermission)).toEqual(ORG_LEVEL);
  });
});

describe('evaluateAccess against every cell of the table', () => {
  describe('user key, org-level role', () => {
    it.each(PERMISSIONS.flatMap((p) => ORG_ROLES.map((r) => [p, r] as const)))('%s as org %s', (permission, role) => {
      const reason = decide(userKey(), memberRecord({ role }), permission);
      if (ORG_LEVEL.includes(permission)) {
        expect(reason).toBe(keyExpected(permission, role) ? 'allowed' : 'insufficient_permissions');
      } else {
        expect(reason).toBe(expectedOnPage(role, permission));
      }
    });
  });

  describe('user key, page-level role only', () => {
    it.each(PERMISSIONS.flatMap((p) => PAGE_ROLES.map((r) => [p, r] as const)))('%s as page %s', (permission, role) => {
      const member = memberRecord({ role: null, pageRoles: [{ pageId: 'p1', role }] });
      if (ORG_LEVEL.includes(permission)) {
        // Page roles never grant org-level permissions, whatever the column says.
        expect(decide(userKey(), member, permission)).toBe('insufficient_permissions');
      } else {
        expect(decide(userKey(), member, permission, 'p1')).toBe(expectedOnPage(role, permission));
        // No role at all on another page of the org: it cannot see it.
        expect(decide(userKey(), member, permission, 'p2')).toBe('not_found');
      }
    });
  });

  describe('page role overrides org role for its page only', () => {
    const cases = PERMISSIONS.flatMap((p) => ORG_ROLES.flatMap((o) => PAGE_ROLES.map((r) => [p, o, r] as const)));
    it.each(cases)('%s as org %s with page %s on p1', (permission, orgRole, pageRole) => {
      const member = memberRecord({ role: orgRole, pageRoles: [{ pageId: 'p1', role: pageRole }] });
      if (ORG_LEVEL.includes(permission)) {
        expect(decide(userKey(), member, permission)).toBe(keyExpected(permission, orgRole) ? 'allowed' : 'insufficient_permissions');
      } else {
        expect(decide(userKey(), member, permission, 'p1')).toBe(expectedOnPage(pageRole, permission));
        expect(decide(userKey(), member, permission, 'p2')).toBe(expectedOnPage(orgRole, permission));
      }
    });

    it('a higher page role adds rights on that page only', () => {
      const member = memberRecord({ role: 'viewer', pageRoles: [{ pageId: 'p1', role: 'owner' }] });
      expect(decide(userKey(), member, 'status_page:delete', 'p1')).toBe('allowed');
      expect(decide(userKey(), member, 'status_page:delete', 'p2')).toBe('insufficient_permissions');
      expect(decide(userKey(), member, 'member:read')).toBe('insufficient_permissions');
    });

    it('a lower page role removes rights on that page only', () => {
      const member = memberRecord({ role: 'owner', pageRoles: [{ pageId: 'p1', role: 'viewer' }] });
      expect(decide(userKey(), member, 'incident:write', 'p1')).toBe('insufficient_permissions');
      expect(decide(userKey(), member, 'incident:read', 'p1')).toBe('allowed');
      expect(decide(userKey(), member, 'incident:write', 'p2')).toBe('allowed');
      expect(decide(userKey(), member, 'member:read')).toBe('allowed');
    });

    it('billing at org level with a page role reads that page only', () => {
      const member = memberRecord({ role: 'billing', pageRoles: [{ pageId: 'p1', role: 'viewer' }] });
      expect(decide(userKey(), member, 'status_page:read', 'p1')).toBe('allowed');
      expect(decide(userKey(), member, 'status_page:read', 'p2')).toBe('not_found');
      expect(decide(userKey(), member, 'billing:read')).toBe('allowed');
    });
  });

  describe('billing is org-only and sees no page', () => {
    it.each(PAGE_SCOPED)('%s as billing is not_found', (permission) => {
      expect(decide(userKey(), memberRecord({ role: 'billing' }), permission)).toBe('not_found');
    });
    it('billing reads billing and nothing else at org level', () => {
      expect(decide(userKey(), memberRecord({ role: 'billing' }), 'billing:read')).toBe('allowed');
      expect(decide(userKey(), memberRecord({ role: 'billing' }), 'member:read')).toBe('insufficient_permissions');
    });
  });

  describe('org keys', () => {
    it.each(PERMISSIONS.flatMap((p) => (['read', 'read_write'] as const).map((a) => [p, a] as const)))('%s with access %s', (permission, access) => {
      const column: Column = access === 'read' ? 'orgKeyRead' : 'orgKeyReadWrite';
      // Org keys see every page of their org: a missing right is 403, never 404.
      expect(decide(orgKey(access), null, permission, 'p1')).toBe(keyExpected(permission, column) ? 'allowed' : 'insufficient_permissions');
      expect(decide(orgKey(access), null, permission, 'p2')).toBe(keyExpected(permission, column) ? 'allowed' : 'insufficient_permissions');
    });
  });

  describe('narrowed keys', () => {
    it.each(PERMISSIONS.flatMap((p) => ORG_ROLES.map((r) => [p, r] as const)))('user key with access read: %s as org %s', (permission, role) => {
      const reason = decide(userKey('read'), memberRecord({ role }), permission);
      const readRow = permission.endsWith(':read');
      if (ORG_LEVEL.includes(permission)) {
        expect(reason).toBe(keyExpected(permission, role) && readRow ? 'allowed' : 'insufficient_permissions');
      } else if (!expected('status_page:read', role)) {
        expect(reason).toBe('not_found');
      } else {
        expect(reason).toBe(keyExpected(permission, role) && readRow ? 'allowed' : 'insufficient_permissions');
      }
    });

    it.each(PERMISSIONS.flatMap((p) => ORG_ROLES.map((r) => [p, r] as const)))('user key narrowed to p1: %s as org %s', (permission, role) => {
      const key = userKey('read_write', ['p1']);
      const member = memberRecord({ role });
      if (ORG_LEVEL.includes(permission)) {
        expect(decide(key, member, permission)).toBe('insufficient_permissions');
      } else {
        expect(decide(key, member, permission, 'p1')).toBe(expectedOnPage(role, permission));
        expect(decide(key, member, permission, 'p2')).toBe('not_found');
      }
    });

    it.each(PERMISSIONS.flatMap((p) => (['read', 'read_write'] as const).map((a) => [p, a] as const)))('org key narrowed to p1: %s with access %s', (permission, access) => {
      const column: Column = access === 'read' ? 'orgKeyRead' : 'orgKeyReadWrite';
      const key = orgKey(access, ['p1']);
      if (ORG_LEVEL.includes(permission)) {
        expect(decide(key, null, permission)).toBe('insufficient_permissions');
      } else {
        expect(decide(key, null, permission, 'p1')).toBe(keyExpected(permission, column) ? 'allowed' : 'insufficient_permissions');
        expect(decide(key, null, permission, 'p2')).toBe('not_found');
      }
    });
  });
});

describe('the management rows (member:write, api_key:manage)', () => {
  it('knows the management permissions', () => {
    expect(PERMISSIONS.filter(isManagementPermission)).toEqual(MANAGEMENT);
  });

  describe('a member acting through the admin contract', () => {
    it.each(PERMISSIONS.flatMap((p) => ORG_ROLES.map((r) => [p, r] as const)))('%s as org %s', (permission, role) => {
      const reason = evaluateMemberAction(memberRecord({ role }), 'o1', permission).reason;
      // Only org-level rights are decided for the admin contract; the org role's column says.
      expect(reason).toBe(ORG_LEVEL.includes(permission) && expected(permission, role) ? 'allowed' : 'insufficient_permissions');
    });

    it.each(MANAGEMENT.flatMap((p) => PAGE_ROLES.map((r) => [p, r] as const)))('%s with only a page role %s is refused', (permission, role) => {
      const member = memberRecord({ role: null, pageRoles: [{ pageId: 'p1', role }] });
      expect(evaluateMemberAction(member, 'o1', permission).reason).toBe('insufficient_permissions');
    });

    it.each(MANAGEMENT)('%s: a removed member, no member or a member of another org is not_found', (permission) => {
      expect(evaluateMemberAction(null, 'o1', permission).reason).toBe('not_found');
      expect(evaluateMemberAction(memberRecord({ role: 'owner', removed: true }), 'o1', permission).reason).toBe('not_found');
      expect(evaluateMemberAction(memberRecord({ role: 'owner' }), 'o2', permission).reason).toBe('not_found');
    });
  });

  describe('no key ever holds them', () => {
    it.each(MANAGEMENT.flatMap((p) => ORG_ROLES.map((r) => [p, r] as const)))('%s: user key of an org %s', (permission, role) => {
      expect(decide(userKey(), memberRecord({ role }), permission)).toBe('insufficient_permissions');
    });
    it.each(MANAGEMENT.flatMap((p) => (['read', 'read_write'] as const).map((a) => [p, a] as const)))('%s: org key %s', (permission, access) => {
      expect(decide(orgKey(access), null, permission)).toBe('insufficient_permissions');
    });
  });
});

describe('key permissions against every cell of the table', () => {
  const keyPermissions = PERMISSIONS.filter((p) => !MANAGEMENT.includes(p));
  it.each(PERMISSIONS.flatMap((p) => ORG_ROLES.map((r) => [p, r] as const)))('user key narrowed to incident:read, incident:write: %s as org %s', (permission, role) => {
    const key = userKeyRecord({ access: 'read_write', keyHash: hashOf('uk'), permissions: ['incident:read', 'incident:write'] });
    const reason = decide(key, memberRecord({ role }), permission);
    const inKey = permission === 'incident:read' || permission === 'incident:write';
    if (ORG_LEVEL.includes(permission)) expect(reason).toBe('insufficient_permissions');
    else if (!expected('status_page:read', role)) expect(reason).toBe('not_found');
    else expect(reason).toBe(inKey && expected(permission, role) ? 'allowed' : 'insufficient_permissions');
  });

  it.each(keyPermissions.flatMap((granted) => PERMISSIONS.map((p) => [granted, p] as const)))('org key read_write with permissions [%s]: %s', (granted, permission) => {
    const key = keyRecord({ access: 'read_write', permissions: [granted] });
    expect(decide(key, null, permission)).toBe(keyExpected(permission, 'orgKeyReadWrite') && permission === granted ? 'allowed' : 'insufficient_permissions');
  });
});
