import type { Permission } from '@sp/contracts';
import type { KeyRecord, MemberRecord, PageRecord } from '../view/view.records';

/**
 * Why a request is denied. The gateway maps `key_*` and `member_removed` to 401 invalid_api_key,
 * `ip_not_allowed` to 403, `not_found` to 404 and `insufficient_permissions` to 403.
 */
export type DenyReason =
  | 'key_revoked'
  | 'key_expired'
  | 'key_incomplete'
  | 'member_removed'
  | 'ip_not_allowed'
  | 'not_found'
  | 'insufficient_permissions';

export type Decision = { allowed: true; reason: 'allowed' } | { allowed: false; reason: DenyReason };

/** What is asked: a permission on an org, and on one of its status pages for page-scoped permissions. */
export interface AccessRequest {
  permission: Permission;
  orgId: string;
  statusPageId?: string | null;
}

/** What the view knows that the decision needs. */
export interface AccessFacts {
  key: KeyRecord;
  /** The key's user's membership in key.orgId, for user keys (null for org keys or when unknown). */
  member: MemberRecord | null;
  /** The requested page if request.statusPageId is given, else null (also null when unknown). */
  page: PageRecord | null;
  /** Epoch milliseconds. */
  now: number;
  clientIp: string | null;
}
