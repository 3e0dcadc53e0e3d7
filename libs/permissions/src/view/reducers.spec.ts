import { randomUUID } from 'node:crypto';
import { accessEventSchema } from '@sp/contracts';
import type { KeyEvent } from './aggregate';
import type { AccessEvent } from '@sp/contracts';
import {
  hashOf,
  keyCreated,
  keyRevoked,
  keyRolled,
  memberRemoved,
  memberUpserted,
  orgUpserted,
  pageRemoved,
  pageUpserted,
} from '../testing/access-events.fixture';
import { aggregateIdOf, aggregateKind, hasConsistentAggregateId } from './aggregate';
import { applyToRecord } from './apply-to-record';
import { reduceKey } from './reduce-key';
import { reduceMember } from './reduce-member';
import { reduceOrg } from './reduce-org';
import { reducePage } from './reduce-page';

/** Freezes deeply, so any mutation of an input throws (spec files run in strict mode). */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

describe('reduceKey', () => {
  it('KeyNarrowed keeps only the named pages of the narrowing, never widens, and a page named again is not reached', () => {
    const created = reduceKey(null, keyCreated('o1', 'k1', 1, { statusPageIds: ['p1', 'p2'] }));
    const narrowed = reduceKey(created, keyNarrowedEvent('o1', 'k1', 2, ['p2', 'p3']));
    expect(narrowed.statusPageIds).toEqual(['p2']);
    expect(reduceKey(narrowed, keyNarrowedEvent('o1', 'k1', 3, [])).statusPageIds).toEqual([]);
    // Replayed: a no-op.
    expect(reduceKey(narrowed, keyNarrowedEvent('o1', 'k1', 2, ['p1', 'p2']))).toBe(narrowed);
  });

  it('carries the key permissions of KeyCreated; an event without the field (published before it existed) narrows nothing', () => {
    const narrowed = keyCreated('o1', 'k1', 1, { permissions: ['incident:read'] });
    expect(reduceKey(null, narrowed).permissions).toEqual(['incident:read']);
    const old = keyCreated('o1', 'k2', 1);
    delete (old.payload as { permissions?: unknown }).permissions;
    expect(reduceKey(null, old).permissions).toBeNull();
  });

  it('creates the record from KeyCreated', () => {
    const event = deepFreeze(keyCreated('o1', 'k1', 1, { type: 'user', userId: 'u1', access: 'read_write', statusPageIds: ['p1'], allowedIps: ['10.0.0.0/8'] }));
    expect(reduceKey(null, event)).toEqual({
      keyId: 'k1',
      orgId: 'o1',
      version: 1,
      keyHash: hashOf('k1'),
      type: 'user',
      userId: 'u1',
      name: 'key k1',
      access: 'read_write',
      statusPageIds: ['p1'],
      permissions: null,
      expiresAt: null,
      allowedIps: ['10.0.0.0/8'],
      prefix: 'sp_org_',
      last4: 'abcd',
      revoked: false,
      graceEndsAt: null,
      replacedBy: null,
      rolledFrom: null,
    });
  });

  it('returns the same object for a duplicate or an older event', () => {
    const created = deepFreeze(reduceKey(null, keyCreated('o1', 'k1')));
    expect(reduceKey(created, keyCreated('o1', 'k1'))).toBe(created);
    const revoked = deepFreeze(reduceKey(created, keyRevoked('o1', 'k1', 3)));
    expect(reduceKey(revoked, keyRevoked('o1', 'k1', 3))).toBe(revoked);
    expect(reduceKey(revoked, keyRolled('o1', 'k1', 2, '2030-01-01T00:00:00Z'))).toBe(revoked);
  });

  it('revokes for good', () => {
    const revoked = deepFreeze(reduceKey(reduceKey(null, keyCreated('o1', 'k1')), keyRevoked('o1', 'k1', 2)));
    expect(revoked).toMatchObject({ revoked: true, version: 2, keyHash: hashOf('k1') });
    // A newer roll or even a newer create cannot revive it.
    const rolled = reduceKey(revoked, keyRolled('o1', 'k1', 3, '2030-01-01T00:00:00Z'));
    expect(rolled.revoked).toBe(true);
    expect(reduceKey(rolled, keyCreated('o1', 'k1', 4)).revoked).toBe(true);
  });

  it('a revoke older than the record still revokes (revocation is monotonic whatever the versions)', () => {
    const rolled = deepFreeze(reduceKey(reduceKey(null, keyCreated('o1', 'k1')), keyRolled('o1', 'k1', 3, '2030-01-01T00:00:00.000Z')));
    const revoked = deepFreeze(reduceKey(rolled, keyRevoked('o1', 'k1', 2)));
    expect(revoked).toEqual({ ...rolled, revoked: true });
    expect(reduceKey(revoked, keyRevoked('o1', 'k1', 2))).toBe(revoked);
  });

  it('an inflated version cannot make the real revoke a no-op', () => {
    const inflated = deepFreeze(reduceKey(reduceKey(null, keyCreated('o1', 'k1')), keyRolled('o1', 'k1', 100, '2030-01-01T00:00:00.000Z')));
    expect(reduceKey(inflated, keyRevoked('o1', 'k1', 2))).toMatchObject({ revoked: true, version: 100 });
  });

  it('a revoke before the create leaves an unusable tombstone the create cannot fill', () => {
    const tombstone = deepFreeze(reduceKey(null, keyRevoked('o1', 'k1', 2)));
    expect(tombstone).toMatchObject({ keyId: 'k1', orgId: 'o1', version: 2, revoked: true, keyHash: null, type: null });
    expect(reduceKey(tombstone, keyCreated('o1', 'k1', 1))).toBe(tombstone);
  });

  it('a roll sets the grace and the replacement; a later roll can only shorten the grace', () => {
    const created = deepFreeze(reduceKey(null, keyCreated('o1', 'k1')));
    const rolled = deepFreeze(reduceKey(created, keyRolled('o1', 'k1', 2, '2030-01-02T00:00:00.000Z', 'k2')));
    expect(rolled).toMatchObject({ version: 2, graceEndsAt: '2030-01-02T00:00:00.000Z', replacedBy: 'k2', revoked: false, keyHash: hashOf('k1') });
    expect(reduceKey(rolled, keyRolled('o1', 'k1', 3, '2030-01-05T00:00:00.000Z', 'k3')).graceEndsAt).toBe('2030-01-02T00:00:00.000Z');
    expect(reduceKey(rolled, keyRolled('o1', 'k1', 3, '2030-01-01T00:00:00.000Z', 'k3')).graceEndsAt).toBe('2030-01-01T00:00:00.000Z');
  });

  it('a roll before the create leaves an incomplete record', () => {
    const early = reduceKey(null, keyRolled('o1', 'k1', 2, '2030-01-01T00:00:00.000Z'));
    expect(early).toMatchObject({ keyHash: null, type: null, revoked: false, version: 2, access: 'read' });
    expect(reduceKey(early, keyCreated('o1', 'k1', 1))).toBe(early);
  });

  it('refuses another key record', () => {
    const created = reduceKey(null, keyCreated('o1', 'k1'));
    expect(() => reduceKey(created, keyRevoked('o1', 'k2', 2))).toThrow(/k2/);
  });

  it('does not share arrays with the event', () => {
    const event = keyCreated('o1', 'k1', 1, { statusPageIds: ['p1'], allowedIps: ['10.0.0.1'] });
    const record = reduceKey(null, event);
    expect(record.statusPageIds).not.toBe(event.payload.statusPageIds);
    expect(record.allowedIps).not.toBe(event.payload.allowedIps);
  });
});

describe('reduceMember', () => {
  it('upserts roles as a whole, sorted by page', () => {
    const event = deepFreeze(memberUpserted('o1', 'u1', 1, 'viewer', [{ pageId: 'p2', role: 'owner' }, { pageId: 'p1', role: 'editor' }]));
    expect(reduceMember(null, event)).toEqual({
      orgId: 'o1',
      userId: 'u1',
      version: 1,
      role: 'viewer',
      pageRoles: [{ pageId: 'p1', role: 'editor' }, { pageId: 'p2', role: 'owner' }],
      removed: false,
    });
  });

  it('keeps the less privileged role when a page is listed twice (the contract forbids it; defence in depth)', () => {
    const valid = memberUpserted('o1', 'u1', 1, null, [{ pageId: 'p1', role: 'owner' }]);
    const event = { ...valid, payload: { ...valid.payload, pageRoles: [{ pageId: 'p1', role: 'owner' }, { pageId: 'p1', role: 'viewer' }, { pageId: 'p1', role: 'editor' }] } } as typeof valid;
    expect(reduceMember(null, event).pageRoles).toEqual([{ pageId: 'p1', role: 'viewer' }]);
  });

  it('removes and re-adds', () => {
    const v1 = deepFreeze(reduceMember(null, memberUpserted('o1', 'u1', 1, 'admin', [{ pageId: 'p1', role: 'owner' }])));
    const v2 = deepFreeze(reduceMember(v1, memberRemoved('o1', 'u1', 2)));
    expect(v2).toEqual({ orgId: 'o1', userId: 'u1', version: 2, role: null, pageRoles: [], removed: true });
    expect(reduceMember(v2, memberUpserted('o1', 'u1', 1, 'owner'))).toBe(v2);
    expect(reduceMember(v2, memberUpserted('o1', 'u1', 3, 'viewer'))).toMatchObject({ version: 3, role: 'viewer', removed: false });
  });

  it('a removal before the upsert stays removed', () => {
    const removed = reduceMember(null, memberRemoved('o1', 'u1', 2));
    expect(removed.removed).toBe(true);
    expect(reduceMember(removed, memberUpserted('o1', 'u1', 1, 'owner'))).toBe(removed);
  });

  it('refuses another member record', () => {
    const m = reduceMember(null, memberUpserted('o1', 'u1', 1, 'owner'));
    expect(() => reduceMember(m, memberUpserted('o1', 'u2', 2, 'owner'))).toThrow();
    expect(() => reduceMember(m, memberUpserted('o2', 'u1', 2, 'owner'))).toThrow();
  });
});

describe('reducePage', () => {
  it('upserts, removes, ignores older and re-registers', () => {
    const v1 = deepFreeze(reducePage(null, pageUpserted('o1', 'p1', 1, 'Main')));
    expect(v1).toEqual({ orgId: 'o1', pageId: 'p1', version: 1, name: 'Main', removed: false });
    const v2 = deepFreeze(reducePage(v1, pageRemoved('o1', 'p1', 2)));
    expect(v2).toEqual({ orgId: 'o1', pageId: 'p1', version: 2, name: null, removed: true });
    expect(reducePage(v2, pageUpserted('o1', 'p1', 1, 'Main'))).toBe(v2);
    expect(reducePage(v2, pageUpserted('o1', 'p1', 3, 'Back'))).toEqual({ orgId: 'o1', pageId: 'p1', version: 3, name: 'Back', removed: false });
  });

  it('a removal seen first leaves a removed record', () => {
    const removed = reducePage(null, pageRemoved('o1', 'p1', 2));
    expect(removed).toEqual({ orgId: 'o1', pageId: 'p1', version: 2, name: null, removed: true });
    expect(reducePage(removed, pageUpserted('o1', 'p1', 1))).toBe(removed);
  });

  it('refuses another page record', () => {
    expect(() => reducePage(reducePage(null, pageUpserted('o1', 'p1', 1)), pageRemoved('o1', 'p2', 2))).toThrow();
  });
});

describe('reduceOrg', () => {
  it('renames with newer versions only', () => {
    const v1 = deepFreeze(reduceOrg(null, orgUpserted('o1', 1, 'Acme')));
    expect(v1).toEqual({ orgId: 'o1', version: 1, name: 'Acme' });
    expect(reduceOrg(v1, orgUpserted('o1', 1, 'Other'))).toBe(v1);
    expect(reduceOrg(v1, orgUpserted('o1', 2, 'Acme Inc'))).toEqual({ orgId: 'o1', version: 2, name: 'Acme Inc' });
    expect(() => reduceOrg(v1, orgUpserted('o2', 2))).toThrow();
  });
});

describe('aggregates', () => {
  const events: [AccessEvent, string, string][] = [
    [orgUpserted('o1', 1), 'org', 'o1'],
    [pageUpserted('o1', 'p1', 1), 'page', 'p1'],
    [pageRemoved('o1', 'p1', 2), 'page', 'p1'],
    [memberUpserted('o1', 'u1', 1, 'owner'), 'member', 'o1/u1'],
    [memberRemoved('o1', 'u1', 2), 'member', 'o1/u1'],
    [keyCreated('o1', 'k1'), 'key', 'k1'],
    [keyRevoked('o1', 'k1', 2), 'key', 'k1'],
    [keyRolled('o1', 'k1', 2, '2030-01-01T00:00:00Z'), 'key', 'k1'],
  ];
  it.each(events)('%# %j', (event, kind, id) => {
    expect(aggregateKind(event)).toBe(kind);
    expect(aggregateIdOf(event)).toBe(id);
    expect(hasConsistentAggregateId(event)).toBe(true);
    expect(hasConsistentAggregateId({ ...event, aggregateId: 'other' })).toBe(false);
  });

  it('applyToRecord dispatches to the reducer of the event kind', () => {
    const org = applyToRecord(null, orgUpserted('o1', 1, 'Acme'));
    expect(org).toEqual({ orgId: 'o1', version: 1, name: 'Acme' });
    const key = applyToRecord(null, keyRevoked('o1', 'k1', 1));
    expect(key).toMatchObject({ keyId: 'k1', revoked: true });
    expect(applyToRecord(key, keyRevoked('o1', 'k1', 1))).toBe(key);
    // A record of the wrong kind is refused.
    expect(() => applyToRecord(org, keyRevoked('o1', 'k1', 2))).toThrow();
  });
});

function keyNarrowedEvent(orgId: string, keyId: string, version: number, statusPageIds: string[]): KeyEvent {
  return accessEventSchema.parse({
    id: randomUUID(), schemaVersion: 1, orgId, aggregateId: keyId, aggregateVersion: version,
    occurredAt: '2025-01-01T00:00:00.000Z', type: 'KeyNarrowed', payload: { keyId, statusPageIds },
  }) as KeyEvent;
}
