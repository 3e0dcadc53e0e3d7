import { PAGE_ROLES, type PageRole } from '@sp/contracts';
import type { MemberEvent } from './aggregate';
import type { MemberRecord } from './view.records';

/**
 * Projects one member event onto a membership record. An event not newer than `current.version`
 * returns `current` itself. `MemberUpserted` replaces the roles as a whole (and re-adds a removed
 * member); `MemberRemoved` marks the member removed and drops every role.
 * @throws if `current` is another member's record.
 */
export function reduceMember(current: MemberRecord | null, event: MemberEvent): MemberRecord {
  const { orgId } = event;
  const { userId } = event.payload;
  if (current !== null) {
    if (current.orgId !== orgId || current.userId !== userId) {
      throw new Error(`reduceMember: event for ${orgId}/${userId} applied to ${current.orgId}/${current.userId}`);
    }
    if (event.aggregateVersion <= current.version) return current;
  }
  const version = event.aggregateVersion;
  if (event.type === 'MemberRemoved') {
    return { orgId, userId, version, role: null, pageRoles: [], removed: true };
  }
  return { orgId, userId, version, role: event.payload.role, pageRoles: normalizePageRoles(event.payload.pageRoles), removed: false };
}

/**
 * One entry per page, sorted by pageId in code-unit order. Should a page appear twice, the less
 * privileged role wins (roles are nested: viewer < editor < admin < owner). Also how a record is
 * made from key-service's state (record-from-state.ts), whose own order may differ.
 */
export function normalizePageRoles(pageRoles: readonly { pageId: string; role: PageRole }[]): MemberRecord['pageRoles'] {
  const byPage = new Map<string, PageRole>();
  for (const { pageId, role } of pageRoles) {
    const seen = byPage.get(pageId);
    if (seen === undefined || PAGE_ROLES.indexOf(role) > PAGE_ROLES.indexOf(seen)) byPage.set(pageId, role);
  }
  return [...byPage.keys()].sort(compareStrings).map((pageId) => ({ pageId, role: byPage.get(pageId) as PageRole }));
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
