import { memberAggregateId, type KeyAccess, type KeyType, type OrgRole, type PageRole, type Permission } from '@sp/contracts';
import type { AggregateKind, KeyRecord, MemberRecord, OrgRecord, PageRecord, ViewRecord } from './view.records';
import { normalizePageRoles } from './reduce-member';

/**
 * The state of each aggregate as its source of truth (key-service's documents) keeps it, reduced
 * to what the view needs. A document is the aggregate after its `version`-th change, so the record
 * made of it here equals the record the reducers make of its events 1..version (the property test
 * in record-from-state.property.spec.ts holds the two together). Older documents may lack fields
 * added later: absent means what the reducers assume for events without them.
 */
export interface OrgState {
  _id: string;
  version: number;
  name: string;
}

export interface PageState {
  _id: string;
  orgId: string;
  version: number;
  name: string;
  removed?: boolean;
}

export interface MemberState {
  orgId: string;
  userId: string;
  version: number;
  role?: OrgRole | null;
  pageRoles?: readonly { pageId: string; role: PageRole }[];
  removed?: boolean;
}

/** Never the key itself: key-service keeps only its hash, and so does the view. */
export interface KeyState {
  _id: string;
  orgId: string;
  version: number;
  keyHash: string;
  type: KeyType;
  userId?: string | null;
  name: string;
  access: KeyAccess;
  statusPageIds?: readonly string[] | null;
  permissions?: readonly Permission[] | null;
  expiresAt?: string | null;
  allowedIps?: readonly string[] | null;
  prefix: string;
  last4: string;
  /** Set once by a revocation (any reason); the view keeps only that it happened. */
  revokedAt?: string | null;
  graceEndsAt?: string | null;
  replacedBy?: string | null;
  rolledFrom?: string | null;
}

export function orgRecordFromState(org: OrgState): OrgRecord {
  return { orgId: org._id, version: org.version, name: org.name };
}

/** A removed page forgets its name, as `StatusPageRemoved` does. */
export function pageRecordFromState(page: PageState): PageRecord {
  const removed = page.removed === true;
  return { orgId: page.orgId, pageId: page._id, version: page.version, name: removed ? null : page.name, removed };
}

/** A removed member holds no role, whatever the document still says of the last one. */
export function memberRecordFromState(member: MemberState): MemberRecord {
  const { orgId, userId, version } = member;
  if (member.removed === true) return { orgId, userId, version, role: null, pageRoles: [], removed: true };
  return { orgId, userId, version, role: member.role ?? null, pageRoles: normalizePageRoles(member.pageRoles ?? []), removed: false };
}

/**
 * Revocation is a fact of the record (`revoked`), the reason stays in key-service; a roll's grace
 * and replacement and a narrowing (`statusPageIds` after a page left) are the document's as they are.
 */
export function keyRecordFromState(key: KeyState): KeyRecord {
  return {
    keyId: key._id,
    orgId: key.orgId,
    version: key.version,
    keyHash: key.keyHash,
    type: key.type,
    userId: key.userId ?? null,
    name: key.name,
    access: key.access,
    statusPageIds: key.statusPageIds == null ? null : [...key.statusPageIds],
    permissions: key.permissions == null ? null : [...key.permissions],
    expiresAt: key.expiresAt ?? null,
    allowedIps: key.allowedIps == null ? null : [...key.allowedIps],
    prefix: key.prefix,
    last4: key.last4,
    revoked: key.revokedAt != null,
    graceEndsAt: key.graceEndsAt ?? null,
    replacedBy: key.replacedBy ?? null,
    rolledFrom: key.rolledFrom ?? null,
  };
}

/** The aggregate id of a record (the `_id` the view stores it under, the events' `aggregateId`). */
export function recordIdOf(kind: AggregateKind, record: ViewRecord): string {
  switch (kind) {
    case 'key':
      return (record as KeyRecord).keyId;
    case 'member':
      return memberAggregateId((record as MemberRecord).orgId, (record as MemberRecord).userId);
    case 'page':
      return (record as PageRecord).pageId;
    case 'org':
      return (record as OrgRecord).orgId;
  }
}
