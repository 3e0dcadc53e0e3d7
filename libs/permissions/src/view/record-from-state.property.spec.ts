import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { accessEventSchema, KEY_PERMISSIONS, memberAggregateId, ORG_ROLES, PAGE_ROLES, type AccessEvent, type KeyAccess, type KeyType, type OrgRole, type PageRole, type Permission } from '@sp/contracts';
import { hashOf, keyCreated, keyRevoked, keyRolled, memberRemoved, memberUpserted, orgUpserted, pageRemoved, pageUpserted } from '../testing/access-events.fixture';
import { aggregateIdOf, aggregateKind } from './aggregate';
import { applyToRecord } from './apply-to-record';
import {
  keyRecordFromState,
  memberRecordFromState,
  orgRecordFromState,
  pageRecordFromState,
  type KeyState,
  type MemberState,
  type OrgState,
  type PageState,
} from './record-from-state';
import type { ViewRecord } from './view.records';

/**
 * key-service's aggregates under random admin histories, modelled as its services change them (one
 * version and one event per change, nothing for a no-op, the same refusals): the record made of
 * each final document equals the record the reducers make of the events, delivered in order with
 * at-least-once duplicates.
 */
const NOW = Date.parse('2026-01-01T00:00:00.000Z');

type Op =
  | { op: 'org'; org: number; name: string }
  | { op: 'page'; org: number; page: number; name: string }
  | { op: 'removePage'; org: number; page: number }
  | { op: 'member'; org: number; user: number; role: OrgRole | null; pageRoles: { page: number; role: PageRole }[] }
  | { op: 'removeMember'; org: number; user: number }
  | { op: 'key'; org: number; user: number | null; access: KeyAccess; pages: number[] | null; permissions: Permission[] | null; expired: boolean; allowedIps: string[] | null }
  | { op: 'revoke'; key: number }
  | { op: 'roll'; key: number; graceSeconds: number };

const orgIdx = fc.integer({ min: 0, max: 1 });
const pageIdx = fc.integer({ min: 0, max: 2 });
const userIdx = fc.integer({ min: 0, max: 1 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('org' as const), org: orgIdx, name: fc.constantFrom('A', 'B') }),
  fc.record({ op: fc.constant('page' as const), org: orgIdx, page: pageIdx, name: fc.constantFrom('Main', 'Other') }),
  fc.record({ op: fc.constant('removePage' as const), org: orgIdx, page: pageIdx }),
  fc.record({
    op: fc.constant('member' as const),
    org: orgIdx,
    user: userIdx,
    role: fc.option(fc.constantFrom(...ORG_ROLES)),
    pageRoles: fc.uniqueArray(fc.record({ page: pageIdx, role: fc.constantFrom(...PAGE_ROLES) }), { maxLength: 3, selector: (r) => r.page }),
  }),
  fc.record({ op: fc.constant('removeMember' as const), org: orgIdx, user: userIdx }),
  fc.record({
    op: fc.constant('key' as const),
    org: orgIdx,
    user: fc.option(userIdx),
    access: fc.constantFrom('read' as const, 'read_write' as const),
    pages: fc.option(fc.uniqueArray(pageIdx, { minLength: 1, maxLength: 3 })),
    permissions: fc.option(fc.uniqueArray(fc.constantFrom(...KEY_PERMISSIONS), { minLength: 1, maxLength: 3 })),
    expired: fc.boolean(),
    allowedIps: fc.option(fc.constant(['10.0.0.0/8']).map((ips) => [...ips])),
  }),
  fc.record({ op: fc.constant('revoke' as const), key: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ op: fc.constant('roll' as const), key: fc.integer({ min: 0, max: 7 }), graceSeconds: fc.integer({ min: 0, max: 86_400 }) }),
);

// Mixed case on purpose: key-service sorts page roles with localeCompare, the reducer by code units.
const ORGS = ['acme', 'Beta'];
const PAGES = ['main', 'Zed', 'api'];
const USERS = ['ann', 'Bob'];

/** key-service's documents and the events it published, changed as its services change them. */
class KeyServiceModel {
  readonly orgs = new Map<string, OrgState>();
  readonly pages = new Map<string, PageState>();
  readonly members = new Map<string, MemberState & { _id: string }>();
  readonly keys = new Map<string, KeyState>();
  readonly keyOrder: string[] = [];
  readonly events: AccessEvent[] = [];

  apply(op: Op): void {
    switch (op.op) {
      case 'org': {
        const orgId = ORGS[op.org];
        const cur = this.orgs.get(orgId);
        if (cur?.name === op.name) return;
        const version = (cur?.version ?? 0) + 1;
        this.orgs.set(orgId, { _id: orgId, version, name: op.name });
        this.events.push(orgUpserted(orgId, version, op.name));
        return;
      }
      case 'page': {
        const orgId = ORGS[op.org];
        const pageId = `${orgId}-${PAGES[op.page]}`;
        const cur = this.pages.get(pageId);
        if (!this.orgs.has(orgId) || (cur && !cur.removed && cur.name === op.name)) return;
        const version = (cur?.version ?? 0) + 1;
        this.pages.set(pageId, { _id: pageId, orgId, version, name: op.name, removed: false });
        this.events.push(pageUpserted(orgId, pageId, version, op.name));
        return;
      }
      case 'removePage': {
        const orgId = ORGS[op.org];
        const pageId = `${orgId}-${PAGES[op.page]}`;
        const cur = this.pages.get(pageId);
        if (!cur || cur.removed) return;
        // ApiKeysService.dropPage before the removal: live keys narrowed to the page lose it.
        for (const keyId of this.keyOrder) {
          const key = this.keys.get(keyId) as KeyState;
          if (key.orgId !== orgId || key.revokedAt || !key.statusPageIds?.includes(pageId)) continue;
          const statusPageIds = key.statusPageIds.filter((id) => id !== pageId);
          this.keys.set(keyId, { ...key, version: key.version + 1, statusPageIds });
          this.events.push(keyNarrowed(orgId, keyId, key.version + 1, statusPageIds));
        }
        this.pages.set(pageId, { ...cur, version: cur.version + 1, removed: true });
        this.events.push(pageRemoved(orgId, pageId, cur.version + 1));
        return;
      }
      case 'member': {
        const orgId = ORGS[op.org];
        const userId = USERS[op.user];
        const pageRoles = op.pageRoles
          .map((p) => ({ pageId: `${orgId}-${PAGES[p.page]}`, role: p.role }))
          .sort((a, b) => a.pageId.localeCompare(b.pageId));
        if (!this.orgs.has(orgId) || pageRoles.some((p) => !this.livePage(orgId, p.pageId))) return;
        const id = memberAggregateId(orgId, userId);
        const cur = this.members.get(id);
        if (cur && !cur.removed && cur.role === op.role && JSON.stringify(cur.pageRoles) === JSON.stringify(pageRoles)) return;
        const version = (cur?.version ?? 0) + 1;
        this.members.set(id, { _id: id, orgId, userId, version, role: op.role, pageRoles, removed: false });
        this.events.push(memberUpserted(orgId, userId, version, op.role, pageRoles));
        return;
      }
      case 'removeMember': {
        const orgId = ORGS[op.org];
        const userId = USERS[op.user];
        const id = memberAggregateId(orgId, userId);
        const cur = this.members.get(id);
        if (!cur || cur.removed) return;
        // The document keeps the last roles; the view must not.
        this.members.set(id, { ...cur, version: cur.version + 1, removed: true });
        this.events.push(memberRemoved(orgId, userId, cur.version + 1));
        for (const keyId of this.keyOrder) {
          const key = this.keys.get(keyId) as KeyState;
          if (key.orgId === orgId && key.type === 'user' && key.userId === userId && !key.revokedAt) this.revoke(keyId);
        }
        return;
      }
      case 'key': {
        const orgId = ORGS[op.org];
        const userId = op.user === null ? null : USERS[op.user];
        const pages = op.pages?.map((p) => `${orgId}-${PAGES[p]}`) ?? null;
        if (!this.orgs.has(orgId) || pages?.some((p) => !this.livePage(orgId, p))) return;
        if (userId !== null && this.members.get(memberAggregateId(orgId, userId))?.removed !== false) return;
        this.issue({
          orgId, type: userId === null ? 'org' : 'user', userId, name: 'ci', access: op.access, statusPageIds: pages, permissions: op.permissions,
          expiresAt: op.expired ? '2025-06-01T00:00:00.000Z' : null, allowedIps: op.allowedIps, rolledFrom: null,
        });
        return;
      }
      case 'revoke': {
        const keyId = this.keyOrder[op.key];
        if (keyId !== undefined && !this.keys.get(keyId)?.revokedAt) this.revoke(keyId);
        return;
      }
      case 'roll': {
        const keyId = this.keyOrder[op.key];
        const old = keyId === undefined ? undefined : this.keys.get(keyId);
        if (!old || old.revokedAt || old.replacedBy) return;
        const expired = (old.expiresAt && Date.parse(old.expiresAt) <= NOW) || (old.graceEndsAt && Date.parse(old.graceEndsAt) <= NOW);
        if (expired) return;
        if (old.type === 'user' && this.members.get(memberAggregateId(old.orgId, old.userId as string))?.removed !== false) return;
        const next = this.issue({ ...old, userId: old.userId ?? null, rolledFrom: keyId });
        const graceEnd = NOW + op.graceSeconds * 1000;
        const graceEndsAt = new Date(old.expiresAt && Date.parse(old.expiresAt) < graceEnd ? Date.parse(old.expiresAt) : graceEnd).toISOString();
        this.keys.set(keyId, { ...old, version: old.version + 1, graceEndsAt, replacedBy: next });
        this.events.push(keyRolled(old.orgId, keyId, old.version + 1, graceEndsAt, next));
        return;
      }
    }
  }

  private livePage(orgId: string, pageId: string): boolean {
    const page = this.pages.get(pageId);
    return page !== undefined && page.orgId === orgId && !page.removed;
  }

  private issue(cfg: Pick<KeyState, 'orgId' | 'type' | 'name' | 'access' | 'statusPageIds' | 'permissions' | 'expiresAt' | 'allowedIps'> & { userId: string | null; rolledFrom: string | null }): string {
    const keyId = `key${this.keyOrder.length}`;
    const type: KeyType = cfg.type;
    const doc: KeyState = {
      _id: keyId, orgId: cfg.orgId, version: 1, keyHash: hashOf(keyId), type, userId: cfg.userId, name: cfg.name, access: cfg.access,
      statusPageIds: cfg.statusPageIds ?? null, permissions: cfg.permissions ?? null, expiresAt: cfg.expiresAt ?? null, allowedIps: cfg.allowedIps ?? null,
      prefix: type === 'org' ? 'sp_org_' : 'sp_usr_', last4: 'abcd', revokedAt: null, graceEndsAt: null, replacedBy: null, rolledFrom: cfg.rolledFrom,
    };
    this.keys.set(keyId, doc);
    this.keyOrder.push(keyId);
    this.events.push(
      keyCreated(cfg.orgId, keyId, 1, {
        keyHash: doc.keyHash, type, userId: doc.userId ?? null, name: doc.name, access: doc.access,
        statusPageIds: doc.statusPageIds ? [...doc.statusPageIds] : null, permissions: doc.permissions ? [...doc.permissions] as never : null,
        expiresAt: doc.expiresAt ?? null, allowedIps: doc.allowedIps ? [...doc.allowedIps] : null, prefix: doc.prefix, last4: doc.last4, rolledFrom: cfg.rolledFrom,
      }),
    );
    return keyId;
  }

  private revoke(keyId: string): void {
    const key = this.keys.get(keyId) as KeyState;
    this.keys.set(keyId, { ...key, version: key.version + 1, revokedAt: new Date(NOW).toISOString() });
    this.events.push(keyRevoked(key.orgId, keyId, key.version + 1));
  }

  /** Every document's record, by kind and aggregate id. */
  records(): Map<string, ViewRecord> {
    const out = new Map<string, ViewRecord>();
    for (const o of this.orgs.values()) out.set(`org:${o._id}`, orgRecordFromState(o));
    for (const p of this.pages.values()) out.set(`page:${p._id}`, pageRecordFromState(p));
    for (const m of this.members.values()) out.set(`member:${m._id}`, memberRecordFromState(m));
    for (const k of this.keys.values()) out.set(`key:${k._id}`, keyRecordFromState(k));
    return out;
  }
}

function keyNarrowed(orgId: string, keyId: string, version: number, statusPageIds: string[]): AccessEvent {
  return accessEventSchema.parse({
    id: randomUUID(), schemaVersion: 1, orgId, aggregateId: keyId, aggregateVersion: version,
    occurredAt: '2025-01-01T00:00:00.000Z', type: 'KeyNarrowed', payload: { keyId, statusPageIds },
  });
}

function reduce(events: readonly AccessEvent[]): Map<string, ViewRecord> {
  const out = new Map<string, ViewRecord>();
  for (const e of events) {
    const slot = `${aggregateKind(e)}:${aggregateIdOf(e)}`;
    out.set(slot, applyToRecord(out.get(slot) ?? null, e));
  }
  return out;
}

/** At-least-once delivery: some events again, right after themselves or at the end (a relay re-run). */
function withDuplicates(events: readonly AccessEvent[], again: readonly number[]): AccessEvent[] {
  const out = [...events];
  for (const i of again) if (events.length > 0) out.push(events[i % events.length]);
  return out;
}

/** Orgs, pages and members first (most histories then get past key-service's refusals), then anything. */
const SETUP: Op[] = [0, 1].flatMap((org) => [
  { op: 'org' as const, org, name: 'A' },
  ...[0, 1, 2].map((page) => ({ op: 'page' as const, org, page, name: 'Main' })),
  ...[0, 1].map((user) => ({ op: 'member' as const, org, user, role: 'viewer' as const, pageRoles: [] })),
]);
const historyArb = fc.array(opArb, { maxLength: 60, size: 'medium' }).map((ops) => [...SETUP, ...ops]);

describe('record from state = reduced record', () => {
  it('for random admin histories (orgs, pages, members with page roles, keys user/org, revoke, roll, narrowing, removals)', () => {
    fc.assert(
      fc.property(historyArb, fc.array(fc.nat(), { maxLength: 10 }), (ops, again) => {
        const model = new KeyServiceModel();
        for (const op of ops) model.apply(op);
        expect(model.records()).toEqual(reduce(withDuplicates(model.events, again)));
      }),
      { numRuns: 400 },
    );
  });

  it('the histories reach every kind of change', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(historyArb, (ops) => {
        const model = new KeyServiceModel();
        for (const op of ops) model.apply(op);
        for (const e of model.events) seen.add(e.type);
      }),
      { numRuns: 200 },
    );
    expect([...seen].sort()).toEqual(
      ['KeyCreated', 'KeyNarrowed', 'KeyRevoked', 'KeyRolled', 'MemberRemoved', 'MemberUpserted', 'OrgUpserted', 'StatusPageRemoved', 'StatusPageUpserted'],
    );
  });
});
