import type { KeyAccess, KeyType, OrgRole, PageRole, Permission } from '@sp/contracts';

/**
 * Records of the materialized access view, one per aggregate. Each carries the `version` (the
 * `aggregateVersion` of the last event applied to it). Records are immutable values: reducers
 * return new objects and never change the ones they are given.
 */

/** An API key as the view knows it. `keyHash`/`type` are null for a tombstone (revoke or roll seen before create). */
export interface KeyRecord {
  keyId: string;
  orgId: string;
  version: number;
  keyHash: string | null;
  type: KeyType | null;
  userId: string | null;
  name: string | null;
  access: KeyAccess;
  statusPageIds: string[] | null;
  /**
   * The key's own narrowing to these permissions (null: none). Optional because records stored or
   * snapshotted before the field existed lack it; absent means null.
   */
  permissions?: Permission[] | null;
  /** ISO 8601 */
  expiresAt: string | null;
  allowedIps: string[] | null;
  prefix: string | null;
  last4: string | null;
  revoked: boolean;
  /** ISO 8601; set by a roll. The engine ends the key at min(expiresAt, graceEndsAt). */
  graceEndsAt: string | null;
  replacedBy: string | null;
  rolledFrom: string | null;
}

/** A user's memberships in one org: org-level role (or none) and page roles overriding it per page. */
export interface MemberRecord {
  orgId: string;
  userId: string;
  version: number;
  role: OrgRole | null;
  /** Sorted by pageId, one entry per page. */
  pageRoles: { pageId: string; role: PageRole }[];
  removed: boolean;
}

/** A status page of an org. */
export interface PageRecord {
  orgId: string;
  pageId: string;
  version: number;
  name: string | null;
  removed: boolean;
}

export interface OrgRecord {
  orgId: string;
  version: number;
  name: string | null;
}

/** The kind of record (and aggregate) an access event targets. */
export type AggregateKind = 'key' | 'member' | 'page' | 'org';

export type ViewRecord = KeyRecord | MemberRecord | PageRecord | OrgRecord;
