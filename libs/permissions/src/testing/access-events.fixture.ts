// Test helpers: builders of access events (validated against the contracts' schema) and records.
import { randomUUID } from 'node:crypto';
import {
  accessEventSchema,
  memberAggregateId,
  type AccessEvent,
  type KeyCreatedEvent,
  type KeyRevokedEvent,
  type KeyRolledEvent,
  type MemberRemovedEvent,
  type MemberUpsertedEvent,
  type OrgRole,
  type OrgUpsertedEvent,
  type PageRole,
  type StatusPageRemovedEvent,
  type StatusPageUpsertedEvent,
} from '@sp/contracts';
import type { KeyRecord, MemberRecord, PageRecord } from '../view/view.records';

const OCCURRED_AT = '2025-01-01T00:00:00.000Z';

function envelope(orgId: string, aggregateId: string, aggregateVersion: number) {
  return { id: randomUUID(), schemaVersion: 1 as const, orgId, aggregateId, aggregateVersion, occurredAt: OCCURRED_AT };
}

/** Parses through the contract schema so fixtures cannot drift from it. */
function valid<E extends AccessEvent>(event: E): E {
  return accessEventSchema.parse(event) as E;
}

export function hashOf(keyId: string): string {
  let hex = '';
  for (const ch of keyId) hex += ch.charCodeAt(0).toString(16).padStart(2, '0');
  return hex.padEnd(64, '0').slice(0, 64);
}

export function orgUpserted(orgId: string, version: number, name = `org ${orgId}`): OrgUpsertedEvent {
  return valid({ ...envelope(orgId, orgId, version), type: 'OrgUpserted', payload: { name } });
}

export function pageUpserted(orgId: string, pageId: string, version: number, name = `page ${pageId}`): StatusPageUpsertedEvent {
  return valid({ ...envelope(orgId, pageId, version), type: 'StatusPageUpserted', payload: { pageId, name } });
}

export function pageRemoved(orgId: string, pageId: string, version: number): StatusPageRemovedEvent {
  return valid({ ...envelope(orgId, pageId, version), type: 'StatusPageRemoved', payload: { pageId } });
}

export function memberUpserted(
  orgId: string,
  userId: string,
  version: number,
  role: OrgRole | null,
  pageRoles: { pageId: string; role: PageRole }[] = [],
): MemberUpsertedEvent {
  return valid({
    ...envelope(orgId, memberAggregateId(orgId, userId), version),
    type: 'MemberUpserted',
    payload: { userId, role, pageRoles },
  });
}

export function memberRemoved(orgId: string, userId: string, version: number): MemberRemovedEvent {
  return valid({ ...envelope(orgId, memberAggregateId(orgId, userId), version), type: 'MemberRemoved', payload: { userId } });
}

export function keyCreated(
  orgId: string,
  keyId: string,
  version = 1,
  overrides: Partial<KeyCreatedEvent['payload']> = {},
): KeyCreatedEvent {
  return valid({
    ...envelope(orgId, keyId, version),
    type: 'KeyCreated',
    payload: {
      keyId,
      keyHash: hashOf(keyId),
      type: 'org',
      userId: null,
      name: `key ${keyId}`,
      access: 'read',
      statusPageIds: null,
      expiresAt: null,
      allowedIps: null,
      prefix: 'sp_org_',
      last4: 'abcd',
      rolledFrom: null,
      ...overrides,
    },
  });
}

export function keyRevoked(orgId: string, keyId: string, version: number): KeyRevokedEvent {
  return valid({ ...envelope(orgId, keyId, version), type: 'KeyRevoked', payload: { keyId } });
}

export function keyRolled(orgId: string, keyId: string, version: number, graceEndsAt: string, replacedBy = `${keyId}-next`): KeyRolledEvent {
  return valid({ ...envelope(orgId, keyId, version), type: 'KeyRolled', payload: { keyId, replacedBy, graceEndsAt } });
}

/** A usable key record (org key, read, no narrowing) with overrides. */
export function keyRecord(overrides: Partial<KeyRecord> = {}): KeyRecord {
  const keyId = overrides.keyId ?? 'k1';
  return {
    keyId,
    orgId: 'o1',
    version: 1,
    keyHash: hashOf(keyId),
    type: 'org',
    userId: null,
    name: 'key',
    access: 'read',
    statusPageIds: null,
    permissions: null,
    expiresAt: null,
    allowedIps: null,
    prefix: 'sp_org_',
    last4: 'abcd',
    revoked: false,
    graceEndsAt: null,
    replacedBy: null,
    rolledFrom: null,
    ...overrides,
  };
}

export function userKeyRecord(overrides: Partial<KeyRecord> = {}): KeyRecord {
  return keyRecord({ type: 'user', userId: 'u1', prefix: 'sp_usr_', ...overrides });
}

export function memberRecord(overrides: Partial<MemberRecord> = {}): MemberRecord {
  return { orgId: 'o1', userId: 'u1', version: 1, role: null, pageRoles: [], removed: false, ...overrides };
}

export function pageRecord(overrides: Partial<PageRecord> = {}): PageRecord {
  return { orgId: 'o1', pageId: 'p1', version: 1, name: 'page', removed: false, ...overrides };
}

/** A deterministic Fisher-Yates shuffle driven by a seed. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
