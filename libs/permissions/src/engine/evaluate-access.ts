import type { OrgRole, Permission } from '@sp/contracts';
import { ipAllowed } from '../net/ip-allowlist';
import type { KeyRecord, MemberRecord, PageRecord } from '../view/view.records';
import type { AccessFacts, AccessRequest, Decision, DenyReason } from './access.types';
import { accessAllows, isManagementPermission, isOrgLevelPermission, keyPermits, orgKeyGrants, roleGrants } from './permission-table';

// Decisions are shared frozen constants: deciding allocates nothing.
const ALLOW: Decision = Object.freeze({ allowed: true, reason: 'allowed' });
const DENY = Object.freeze({
  key_revoked: deny('key_revoked'),
  key_expired: deny('key_expired'),
  key_incomplete: deny('key_incomplete'),
  member_removed: deny('member_removed'),
  ip_not_allowed: deny('ip_not_allowed'),
  not_found: deny('not_found'),
  insufficient_permissions: deny('insufficient_permissions'),
}) satisfies Record<DenyReason, Decision>;

function deny(reason: DenyReason): Decision {
  return Object.freeze({ allowed: false, reason });
}

/**
 * Decides one request (DESIGN.md "Roles"), in this order: the key itself (revoked, incomplete,
 * expired or past its roll grace), its user's membership, the IP allowlist, the org (another org is
 * `not_found`), then the page (outside the key's reach, or not readable by the principal, is
 * `not_found`) and finally the permission (`insufficient_permissions`). The permission must be
 * granted by the role (or the org key's access level), by the key's `access`, and by the key's own
 * `permissions` when it has them: narrowing only ever removes rights. The management rights
 * (`member:write`, `api_key:manage`) are never a key's. Pure: no I/O, no clock.
 */
export function evaluateAccess(facts: AccessFacts, request: AccessRequest): Decision {
  const { key, member } = facts;
  const denial = principalDenial(key, member, facts.now, facts.clientIp);
  if (denial !== null) return DENY[denial];
  if (request.orgId !== key.orgId) return DENY.not_found;
  if (isOrgLevelPermission(request.permission)) return orgLevelDecision(key, member, request.permission);
  return pageDecision(key, member, facts.page, request.statusPageId ?? null, request.permission);
}

/**
 * The checks that concern the key alone (steps 1 to 3 of `evaluateAccess`): whether it may be used
 * at all, before any org, page or permission. What a passport strategy needs to authenticate.
 */
export function evaluatePrincipal(key: KeyRecord, member: MemberRecord | null, now: number, clientIp: string | null): Decision {
  const denial = principalDenial(key, member, now, clientIp);
  return denial === null ? ALLOW : DENY[denial];
}

/**
 * The pages (of the key's org, in the given order) on which the key has `status_page:read`: the
 * answer to `GET /v1/status-pages`. Empty when the key itself is denied.
 */
export function readablePages(
  key: KeyRecord,
  member: MemberRecord | null,
  pages: readonly PageRecord[],
  now: number,
  clientIp: string | null,
): PageRecord[] {
  if (principalDenial(key, member, now, clientIp) !== null) return [];
  const readable: PageRecord[] = [];
  if (key.type === 'org') {
    // An org key's right to read pages does not depend on the page (the table's org-key columns):
    // decided once, then only the page's own facts (live, same org, within the key's reach) remain.
    if (!keyGrants(key, 'status_page:read')) return readable;
    for (const page of pages) if (pageInReach(key, page)) readable.push(page);
    return readable;
  }
  for (const page of pages) if (pageDecision(key, member, page, page.pageId, 'status_page:read').allowed) readable.push(page);
  return readable;
}

/**
 * The role a user key acts with on a page: its page role for that page if any, else its org role.
 * Null when it has neither.
 */
export function effectiveRole(member: MemberRecord, pageId: string): OrgRole | null {
  for (const pageRole of member.pageRoles) {
    if (pageRole.pageId === pageId) return pageRole.role;
  }
  return member.role;
}

function principalDenial(key: KeyRecord, member: MemberRecord | null, now: number, clientIp: string | null): DenyReason | null {
  if (key.revoked) return 'key_revoked';
  if (key.keyHash === null || key.type === null || (key.type === 'user' && key.userId === null)) return 'key_incomplete';
  // `!(end > now)` also treats an unparsable instant as past: fail closed.
  if (key.expiresAt !== null && !(Date.parse(key.expiresAt) > now)) return 'key_expired';
  if (key.graceEndsAt !== null && !(Date.parse(key.graceEndsAt) > now)) return 'key_expired';
  if (key.type === 'user' && !isActiveMember(key, member)) return 'member_removed';
  if (key.allowedIps !== null && !ipAllowed(key.allowedIps, clientIp)) return 'ip_not_allowed';
  return null;
}

/** The key's user is a member of the key's org, not removed, with an org role or a page role. */
function isActiveMember(key: KeyRecord, member: MemberRecord | null): boolean {
  return (
    member !== null &&
    !member.removed &&
    member.orgId === key.orgId &&
    member.userId === key.userId &&
    (member.role !== null || member.pageRoles.length > 0)
  );
}

/**
 * What a person may do through the admin contract (DESIGN.md "Admin contract"), as a member of the
 * org: their org-level role must grant the permission. A user who is not an active member of the
 * org is `not_found` (the org is not theirs to see).
 */
export function evaluateMemberAction(member: MemberRecord | null, orgId: string, permission: Permission): Decision {
  if (member === null || member.removed || member.orgId !== orgId || (member.role === null && member.pageRoles.length === 0)) {
    return DENY.not_found;
  }
  return member.role !== null && isOrgLevelPermission(permission) && roleGrants(member.role, permission) ? ALLOW : DENY.insufficient_permissions;
}

/** Whether the key's own narrowings (`access`, `permissions`) let the permission through. */
function keyNarrowingAllows(key: KeyRecord, permission: Permission): boolean {
  return accessAllows(key.access, permission) && keyPermits(key.permissions, permission) && !isManagementPermission(permission);
}

/** An org key's right: its access level's column, then its own narrowings. */
function keyGrants(key: KeyRecord, permission: Permission): boolean {
  return orgKeyGrants(key.access, permission) && keyNarrowingAllows(key, permission);
}

/** Org-level permissions: only a user key with an org-level role, not narrowed to pages. */
function orgLevelDecision(key: KeyRecord, member: MemberRecord | null, permission: Permission): Decision {
  if (key.type !== 'user' || key.statusPageIds !== null || member === null || member.role === null) {
    return DENY.insufficient_permissions;
  }
  return roleGrants(member.role, permission) && keyNarrowingAllows(key, permission) ? ALLOW : DENY.insufficient_permissions;
}

/** The page is live, in the key's org and within the key's `statusPageIds` narrowing. */
function pageInReach(key: KeyRecord, page: PageRecord): boolean {
  return !page.removed && page.orgId === key.orgId && (key.statusPageIds === null || key.statusPageIds.includes(page.pageId));
}

/** Page-scoped permissions: the page must be the requested one, live, in the key's org and reach. */
function pageDecision(
  key: KeyRecord,
  member: MemberRecord | null,
  page: PageRecord | null,
  statusPageId: string | null,
  permission: Permission,
): Decision {
  if (page === null || page.pageId !== statusPageId || !pageInReach(key, page)) return DENY.not_found;
  if (key.type === 'org') {
    if (!orgKeyGrants(key.access, 'status_page:read')) return DENY.not_found;
    return keyGrants(key, permission) ? ALLOW : DENY.insufficient_permissions;
  }
  // Whether the page is visible follows the role; the key's own narrowing then only refuses (403).
  const role = member === null ? null : effectiveRole(member, page.pageId);
  if (role === null || !roleGrants(role, 'status_page:read')) return DENY.not_found;
  return roleGrants(role, permission) && keyNarrowingAllows(key, permission) ? ALLOW : DENY.insufficient_permissions;
}
