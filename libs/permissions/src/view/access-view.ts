import { memberAggregateId, type AccessEvent } from '@sp/contracts';
import { aggregateIdOf } from './aggregate';
import { reduceKey } from './reduce-key';
import { reduceMember } from './reduce-member';
import { reduceOrg } from './reduce-org';
import { reducePage } from './reduce-page';
import type { AggregateKind, KeyRecord, MemberRecord, OrgRecord, PageRecord, ViewRecord } from './view.records';

/** A deterministic, plain-JSON copy of a whole view: equal snapshots mean equal views. */
export interface AccessViewSnapshot {
  orgs: OrgRecord[];
  pages: PageRecord[];
  members: MemberRecord[];
  keys: KeyRecord[];
}

export interface AccessViewSize {
  orgs: number;
  pages: number;
  members: number;
  keys: number;
  keysByHash: number;
}

const NO_PAGES: readonly PageRecord[] = Object.freeze([]);
const NO_MEMBERS: readonly MemberRecord[] = Object.freeze([]);

/**
 * The materialized access view in memory, fed with access events in any order (idempotent,
 * last-version-wins per aggregate, revocation monotonic). Lookups are O(1) Map reads with no
 * allocation; records it returns are frozen and shared, never copies.
 */
export class AccessView {
  private readonly keys = new Map<string, KeyRecord>();
  private readonly keysByHash = new Map<string, KeyRecord>();
  /**
   * By orgId then userId: no index by memberAggregateId (an id string and a Map entry per member
   * more, built at every start); `aggregateVersion` splits that id instead.
   */
  private readonly membersByOrg = new Map<string, Map<string, MemberRecord>>();
  private memberCount = 0;
  /** Current (not removed) members per org, sorted by userId; built on demand, dropped on change. */
  private readonly liveMembersByOrg = new Map<string, readonly MemberRecord[]>();
  private readonly pages = new Map<string, PageRecord>();
  private readonly pageIdsByOrg = new Map<string, Set<string>>();
  /** Live (not removed) pages per org, sorted by pageId; built on demand, dropped on change. */
  private readonly livePagesByOrg = new Map<string, readonly PageRecord[]>();
  private readonly orgs = new Map<string, OrgRecord>();

  /**
   * Applies one event. Returns true if the view changed, false for a duplicate or an event not
   * newer than what the view holds for that aggregate.
   * @throws if the event's `aggregateId` does not match its payload, or if it gives a key the hash
   * another key holds (a producer bug or a forgery: dead-letter it; the view is left as it was).
   */
  apply(event: AccessEvent): boolean {
    const id = aggregateIdOf(event);
    if (event.aggregateId !== id) {
      throw new Error(`${event.type} ${event.id}: aggregateId ${event.aggregateId} does not match its payload (${id})`);
    }
    switch (event.type) {
      case 'KeyCreated':
      case 'KeyRevoked':
      case 'KeyRolled':
      case 'KeyNarrowed': {
        const prev = this.keys.get(id) ?? null;
        const next = reduceKey(prev, event);
        const holder = next.keyHash === null ? undefined : this.keysByHash.get(next.keyHash);
        if (holder !== undefined && holder.keyId !== next.keyId) {
          throw new Error(`${event.type} ${event.id}: key ${next.keyId} claims the hash of key ${holder.keyId}; a hash never re-binds`);
        }
        return this.storeKey(prev, next);
      }
      case 'MemberUpserted':
      case 'MemberRemoved': {
        const prev = this.member(event.orgId, event.payload.userId) ?? null;
        return this.storeMember(prev, reduceMember(prev, event));
      }
      case 'StatusPageUpserted':
      case 'StatusPageRemoved': {
        const prev = this.pages.get(id) ?? null;
        return this.storePage(prev, reducePage(prev, event));
      }
      case 'OrgUpserted': {
        const prev = this.orgs.get(id) ?? null;
        const next = reduceOrg(prev, event);
        if (next === prev) return false;
        this.orgs.set(id, Object.freeze(next));
        return true;
      }
    }
  }

  /**
   * Loads a record of a snapshot (a view the permissions-service projected with the same reducers).
   * Like an event, it only replaces an older version of its aggregate; a key's revocation holds.
   * The view takes the record as it is and freezes it (no copy: a snapshot of a million keys is
   * parsed into records once, not twice); callers pass records of their own, freshly parsed.
   * Records share their org's and member's id strings when the caller parsed them so
   * (`ViewSnapshotReader` does): the view looks nothing up to share them.
   */
  restore(kind: AggregateKind, record: ViewRecord): void {
    switch (kind) {
      case 'key': {
        const next = record as KeyRecord;
        const prev = this.keys.get(next.keyId) ?? null;
        if (prev !== null && prev.version >= next.version && (prev.revoked || !next.revoked)) return;
        this.storeKey(prev, prev?.revoked && !next.revoked ? { ...next, revoked: true } : next);
        return;
      }
      case 'member': {
        const next = record as MemberRecord;
        const prev = this.member(next.orgId, next.userId) ?? null;
        if (prev === null || prev.version < next.version) this.storeMember(prev, next);
        return;
      }
      case 'page': {
        const next = record as PageRecord;
        const prev = this.pages.get(next.pageId) ?? null;
        if (prev === null || prev.version < next.version) this.storePage(prev, next);
        return;
      }
      case 'org': {
        const next = record as OrgRecord;
        const prev = this.orgs.get(next.orgId);
        if (prev === undefined || prev.version < next.version) this.orgs.set(next.orgId, Object.freeze(next));
        return;
      }
    }
  }

  /** The key whose HMAC hash this is (revoked, expired or rolled keys included; tombstones have no hash). */
  keyByHash(keyHash: string): KeyRecord | undefined {
    return this.keysByHash.get(keyHash);
  }

  keyById(keyId: string): KeyRecord | undefined {
    return this.keys.get(keyId);
  }

  /** The user's membership record in the org (possibly `removed`). */
  member(orgId: string, userId: string): MemberRecord | undefined {
    return this.membersByOrg.get(orgId)?.get(userId);
  }

  /** The org's members that are not removed, sorted by userId. Shared and frozen: do not mutate. */
  membersOfOrg(orgId: string): readonly MemberRecord[] {
    const cached = this.liveMembersByOrg.get(orgId);
    if (cached !== undefined) return cached;
    const ofOrg = this.membersByOrg.get(orgId);
    if (ofOrg === undefined) return NO_MEMBERS;
    const live = [...ofOrg.values()].filter((m) => !m.removed).sort((a, b) => compareStrings(a.userId, b.userId));
    const frozen = Object.freeze(live);
    this.liveMembersByOrg.set(orgId, frozen);
    return frozen;
  }

  /** The page record (possibly `removed`). */
  page(pageId: string): PageRecord | undefined {
    return this.pages.get(pageId);
  }

  /** The org's pages that are not removed, sorted by pageId. Shared and frozen: do not mutate. */
  pagesOfOrg(orgId: string): readonly PageRecord[] {
    const cached = this.livePagesByOrg.get(orgId);
    if (cached !== undefined) return cached;
    const ids = this.pageIdsByOrg.get(orgId);
    if (ids === undefined) return NO_PAGES;
    const live: PageRecord[] = [];
    for (const pageId of ids) {
      const page = this.pages.get(pageId);
      if (page !== undefined && !page.removed) live.push(page);
    }
    live.sort((a, b) => compareStrings(a.pageId, b.pageId));
    const frozen = Object.freeze(live);
    this.livePagesByOrg.set(orgId, frozen);
    return frozen;
  }

  org(orgId: string): OrgRecord | undefined {
    return this.orgs.get(orgId);
  }

  /**
   * The version the view holds for an aggregate (orgId, pageId, memberAggregateId or keyId), 0 if
   * unknown. Ids of different kinds could coincide; then, without `kind`, the lowest version is
   * returned so the view never claims to be fresher than it is.
   */
  aggregateVersion(aggregateId: string, kind?: AggregateKind): number {
    if (kind !== undefined) return this.recordOf(kind, aggregateId)?.version ?? 0;
    let version = Infinity;
    const key = this.keys.get(aggregateId);
    if (key !== undefined && key.version < version) version = key.version;
    const member = this.memberById(aggregateId);
    if (member !== undefined && member.version < version) version = member.version;
    const page = this.pages.get(aggregateId);
    if (page !== undefined && page.version < version) version = page.version;
    const org = this.orgs.get(aggregateId);
    if (org !== undefined && org.version < version) version = org.version;
    return version === Infinity ? 0 : version;
  }

  /** Every record, sorted by id, as plain JSON (deep copies). */
  snapshot(): AccessViewSnapshot {
    const sorted = <T>(records: Iterable<T>, id: (r: T) => string): T[] =>
      [...records].sort((a, b) => compareStrings(id(a), id(b)));
    return JSON.parse(
      JSON.stringify({
        orgs: sorted(this.orgs.values(), (o) => o.orgId),
        pages: sorted(this.pages.values(), (p) => p.pageId),
        members: sorted([...this.membersByOrg.values()].flatMap((ofOrg) => [...ofOrg.values()]), (m) => memberAggregateId(m.orgId, m.userId)),
        keys: sorted(this.keys.values(), (k) => k.keyId),
      }),
    ) as AccessViewSnapshot;
  }

  get size(): AccessViewSize {
    return {
      orgs: this.orgs.size,
      pages: this.pages.size,
      members: this.memberCount,
      keys: this.keys.size,
      keysByHash: this.keysByHash.size,
    };
  }

  private recordOf(kind: AggregateKind, aggregateId: string): { version: number } | undefined {
    switch (kind) {
      case 'key':
        return this.keys.get(aggregateId);
      case 'member':
        return this.memberById(aggregateId);
      case 'page':
        return this.pages.get(aggregateId);
      case 'org':
        return this.orgs.get(aggregateId);
    }
  }

  private storeKey(prev: KeyRecord | null, next: KeyRecord): boolean {
    if (next === prev) return false;
    freezeKey(next);
    this.keys.set(next.keyId, next);
    const oldHash = prev?.keyHash ?? null;
    if (oldHash !== null && oldHash !== next.keyHash && this.keysByHash.get(oldHash)?.keyId === next.keyId) {
      this.keysByHash.delete(oldHash);
    }
    if (next.keyHash !== null) this.keysByHash.set(next.keyHash, next);
    return true;
  }

  /** The member whose memberAggregateId (`orgId/userId`; ids never hold a "/") this is. */
  private memberById(aggregateId: string): MemberRecord | undefined {
    const slash = aggregateId.indexOf('/');
    return slash < 0 ? undefined : this.member(aggregateId.slice(0, slash), aggregateId.slice(slash + 1));
  }

  private storeMember(prev: MemberRecord | null, next: MemberRecord): boolean {
    if (next === prev) return false;
    Object.freeze(next.pageRoles);
    next.pageRoles.forEach((pageRole) => Object.freeze(pageRole));
    Object.freeze(next);
    let ofOrg = this.membersByOrg.get(next.orgId);
    if (ofOrg === undefined) this.membersByOrg.set(next.orgId, (ofOrg = new Map()));
    const before = ofOrg.size;
    ofOrg.set(next.userId, next);
    if (ofOrg.size > before) this.memberCount++;
    this.liveMembersByOrg.delete(next.orgId);
    return true;
  }

  private storePage(prev: PageRecord | null, next: PageRecord): boolean {
    if (next === prev) return false;
    Object.freeze(next);
    this.pages.set(next.pageId, next);
    if (prev !== null && prev.orgId !== next.orgId) {
      this.pageIdsByOrg.get(prev.orgId)?.delete(prev.pageId);
      this.livePagesByOrg.delete(prev.orgId);
    }
    let ids = this.pageIdsByOrg.get(next.orgId);
    if (ids === undefined) this.pageIdsByOrg.set(next.orgId, (ids = new Set()));
    ids.add(next.pageId);
    this.livePagesByOrg.delete(next.orgId);
    return true;
  }
}

function freezeKey(key: KeyRecord): void {
  if (key.statusPageIds !== null) Object.freeze(key.statusPageIds);
  if (key.allowedIps !== null) Object.freeze(key.allowedIps);
  if (key.permissions != null) Object.freeze(key.permissions);
  Object.freeze(key);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
