import type { AccessEvent } from '@sp/contracts';
import { evaluateAccess } from '../engine/evaluate-access';
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
  shuffled,
} from '../testing/access-events.fixture';
import { AccessView } from './access-view';
import type { KeyRecord } from './view.records';

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

function viewOf(events: readonly AccessEvent[]): AccessView {
  const view = new AccessView();
  for (const event of events) view.apply(event);
  return view;
}

/** A stream whose every event carries the full state of its aggregate (order-independent outcome). */
const COMMUTATIVE_STREAM: AccessEvent[] = [
  orgUpserted('o1', 1, 'Acme'),
  orgUpserted('o1', 2, 'Acme Inc'),
  orgUpserted('o2', 1, 'Globex'),
  pageUpserted('o1', 'p1', 1, 'Main'),
  pageUpserted('o1', 'p2', 1, 'Second'),
  pageRemoved('o1', 'p2', 2),
  pageUpserted('o1', 'p3', 1, 'Third'),
  pageRemoved('o1', 'p3', 2),
  pageUpserted('o1', 'p3', 3, 'Third again'),
  pageUpserted('o2', 'q1', 1, 'Globex main'),
  memberUpserted('o1', 'u1', 1, 'viewer'),
  memberUpserted('o1', 'u1', 2, 'admin', [{ pageId: 'p1', role: 'owner' }]),
  memberUpserted('o1', 'u2', 1, 'owner'),
  memberRemoved('o1', 'u2', 2),
  memberRemoved('o1', 'u3', 1),
  memberUpserted('o1', 'u3', 2, null, [{ pageId: 'p3', role: 'editor' }]),
  memberUpserted('o2', 'u1', 1, 'billing'),
  keyCreated('o1', 'k1', 1, { type: 'user', userId: 'u1', access: 'read_write' }),
  keyCreated('o1', 'k2', 1),
  keyCreated('o2', 'k3', 1, { statusPageIds: ['q1'] }),
];

describe('AccessView', () => {
  it('applies events and reports whether anything changed', () => {
    const view = new AccessView();
    const created = keyCreated('o1', 'k1');
    expect(view.apply(created)).toBe(true);
    expect(view.apply(created)).toBe(false);
    expect(view.apply({ ...created, id: '7f1e7c5e-4c1f-4a43-9b1a-2f8e2d1c0b9a' })).toBe(false);
    expect(view.apply(keyRevoked('o1', 'k1', 2))).toBe(true);
    expect(view.apply(keyRolled('o1', 'k1', 2, '2030-01-01T00:00:00Z'))).toBe(false);
  });

  it('looks records up', () => {
    const view = viewOf(COMMUTATIVE_STREAM);
    expect(view.org('o1')).toEqual({ orgId: 'o1', version: 2, name: 'Acme Inc' });
    expect(view.org('nope')).toBeUndefined();
    expect(view.page('p2')).toMatchObject({ removed: true });
    expect(view.member('o1', 'u1')).toMatchObject({ role: 'admin', pageRoles: [{ pageId: 'p1', role: 'owner' }] });
    expect(view.member('o1', 'u2')).toMatchObject({ removed: true });
    expect(view.member('o2', 'u2')).toBeUndefined();
    expect(view.keyById('k1')).toMatchObject({ type: 'user', userId: 'u1' });
    expect(view.keyByHash(hashOf('k2'))?.keyId).toBe('k2');
    expect(view.keyByHash(hashOf('nope'))).toBeUndefined();
    expect(view.size).toEqual({ orgs: 2, pages: 4, members: 4, keys: 3, keysByHash: 3 });
  });

  it('lists the live pages of an org, sorted, and follows removals and moves', () => {
    const view = viewOf(COMMUTATIVE_STREAM);
    expect(view.pagesOfOrg('o1').map((p) => p.pageId)).toEqual(['p1', 'p3']);
    expect(view.pagesOfOrg('o2').map((p) => p.pageId)).toEqual(['q1']);
    expect(view.pagesOfOrg('unknown')).toEqual([]);
    expect(view.pagesOfOrg('o1')).toBe(view.pagesOfOrg('o1'));
    view.apply(pageRemoved('o1', 'p1', 2));
    expect(view.pagesOfOrg('o1').map((p) => p.pageId)).toEqual(['p3']);
    view.apply(pageUpserted('o1', 'p0', 1));
    expect(view.pagesOfOrg('o1').map((p) => p.pageId)).toEqual(['p0', 'p3']);
    view.apply(pageUpserted('o2', 'p3', 4, 'moved'));
    expect(view.pagesOfOrg('o1').map((p) => p.pageId)).toEqual(['p0']);
    expect(view.pagesOfOrg('o2').map((p) => p.pageId)).toEqual(['p3', 'q1']);
  });

  it('lists the current members of an org, sorted, and follows removals', () => {
    const view = viewOf(COMMUTATIVE_STREAM);
    expect(view.membersOfOrg('o1').map((m) => m.userId)).toEqual(['u1', 'u3']);
    expect(view.membersOfOrg('o2').map((m) => [m.userId, m.role])).toEqual([['u1', 'billing']]);
    expect(view.membersOfOrg('unknown')).toEqual([]);
    expect(view.membersOfOrg('o1')).toBe(view.membersOfOrg('o1'));
    view.apply(memberUpserted('o1', 'u2', 3, 'editor'));
    view.apply(memberRemoved('o1', 'u1', 3));
    expect(view.membersOfOrg('o1').map((m) => m.userId)).toEqual(['u2', 'u3']);
    expect(Object.isFrozen(view.membersOfOrg('o1'))).toBe(true);
  });

  it('tracks aggregate versions by aggregate id', () => {
    const view = viewOf(COMMUTATIVE_STREAM);
    expect(view.aggregateVersion('o1')).toBe(2);
    expect(view.aggregateVersion('p3')).toBe(3);
    expect(view.aggregateVersion('o1/u1')).toBe(2);
    expect(view.aggregateVersion('k1')).toBe(1);
    expect(view.aggregateVersion('unknown')).toBe(0);
    expect(view.aggregateVersion('o1', 'page')).toBe(0);
    expect(view.aggregateVersion('o1', 'org')).toBe(2);
    // A member's id is split into its org and user (the view keeps no index by that id).
    expect(view.aggregateVersion('o1/u1', 'member')).toBe(2);
    expect(view.aggregateVersion('o1/nobody', 'member')).toBe(0);
    expect(view.aggregateVersion('o1/u1/', 'member')).toBe(0);
  });

  it('never claims to be fresher than it is when ids of different kinds coincide', () => {
    const view = viewOf([orgUpserted('x', 1), orgUpserted('x', 2), orgUpserted('x', 3), pageUpserted('o1', 'x', 1)]);
    expect(view.aggregateVersion('x')).toBe(1);
    expect(view.aggregateVersion('x', 'org')).toBe(3);
  });

  it('keeps the hash index consistent', () => {
    const view = viewOf([keyCreated('o1', 'k1'), keyRevoked('o1', 'k1', 2)]);
    // A revoked key is still found by its hash, so it is denied as revoked.
    expect(view.keyByHash(hashOf('k1'))).toBe(view.keyById('k1'));
    expect(view.keyByHash(hashOf('k1'))?.revoked).toBe(true);
    // A tombstone has no hash and is not indexed; its late create does not index it either.
    view.apply(keyRevoked('o1', 'k9', 2));
    view.apply(keyCreated('o1', 'k9', 1));
    expect(view.keyByHash(hashOf('k9'))).toBeUndefined();
    expect(view.keyById('k9')?.revoked).toBe(true);
    // A newer create that changes the hash moves the index entry.
    view.apply(keyCreated('o1', 'k2', 1));
    view.apply(keyCreated('o1', 'k2', 2, { keyHash: hashOf('k2-new') }));
    expect(view.keyByHash(hashOf('k2'))).toBeUndefined();
    expect(view.keyByHash(hashOf('k2-new'))?.keyId).toBe('k2');
    expect(view.size.keysByHash).toBe(2);
  });

  it('never re-binds a hash another key holds (a forged or replayed create for another org)', () => {
    const view = viewOf([keyCreated('o1', 'k1')]);
    const held = view.keyById('k1');
    expect(() => view.apply(keyCreated('o2', 'k7', 1, { keyHash: hashOf('k1') }))).toThrow(/hash never re-binds/);
    expect(view.keyByHash(hashOf('k1'))).toBe(held);
    expect(view.keyById('k7')).toBeUndefined();
    // Nor through a newer version of another key.
    view.apply(keyCreated('o1', 'k2'));
    expect(() => view.apply(keyCreated('o1', 'k2', 2, { keyHash: hashOf('k1') }))).toThrow(/hash never re-binds/);
    expect(view.keyByHash(hashOf('k2'))?.keyId).toBe('k2');
  });

  it('refuses an event whose aggregateId does not match its payload', () => {
    const view = new AccessView();
    expect(() => view.apply({ ...keyCreated('o1', 'k1'), aggregateId: 'k2' })).toThrow(/aggregateId/);
    expect(() => view.apply({ ...memberUpserted('o1', 'u1', 1, 'owner'), aggregateId: 'u1' })).toThrow(/aggregateId/);
    expect(view.size.keys + view.size.members).toBe(0);
  });

  it('hands out frozen records', () => {
    const view = viewOf(COMMUTATIVE_STREAM);
    const key = view.keyById('k3');
    expect(Object.isFrozen(key)).toBe(true);
    expect(Object.isFrozen(key?.statusPageIds)).toBe(true);
    expect(Object.isFrozen(view.member('o1', 'u1')?.pageRoles)).toBe(true);
    expect(Object.isFrozen(view.pagesOfOrg('o1'))).toBe(true);
  });

  describe('snapshot', () => {
    it('is sorted plain JSON', () => {
      const view = viewOf([...COMMUTATIVE_STREAM].reverse());
      const snapshot = view.snapshot();
      expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
      expect(snapshot.orgs.map((o) => o.orgId)).toEqual(['o1', 'o2']);
      expect(snapshot.pages.map((p) => p.pageId)).toEqual(['p1', 'p2', 'p3', 'q1']);
      expect(snapshot.members.map((m) => `${m.orgId}/${m.userId}`)).toEqual(['o1/u1', 'o1/u2', 'o1/u3', 'o2/u1']);
      expect(snapshot.keys.map((k) => k.keyId)).toEqual(['k1', 'k2', 'k3']);
      expect(Object.isFrozen(snapshot.keys[0])).toBe(false);
    });

    it('differs when the views differ', () => {
      expect(viewOf(COMMUTATIVE_STREAM).snapshot()).not.toEqual(viewOf(COMMUTATIVE_STREAM.slice(0, -1)).snapshot());
    });

    it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 42, 1234])('is the same for any order of a commutative stream (seed %i)', (seed) => {
      const inOrder = viewOf(COMMUTATIVE_STREAM);
      const shuffledView = viewOf(shuffled(COMMUTATIVE_STREAM, seed));
      expect(shuffledView.snapshot()).toEqual(inOrder.snapshot());
      expect(JSON.stringify(shuffledView.snapshot())).toBe(JSON.stringify(inOrder.snapshot()));
      expect(shuffledView.pagesOfOrg('o1')).toEqual(inOrder.pagesOfOrg('o1'));
    });

    it('is the same after duplicates', () => {
      const once = viewOf(COMMUTATIVE_STREAM);
      const twice = viewOf([...COMMUTATIVE_STREAM, ...shuffled(COMMUTATIVE_STREAM, 3)]);
      expect(twice.snapshot()).toEqual(once.snapshot());
    });
  });

  it.each([
    ['created, rolled, revoked', [keyCreated('o1', 'k1', 1, { access: 'read_write' }), keyRolled('o1', 'k1', 2, '2030-01-01T00:00:00Z'), keyRevoked('o1', 'k1', 3)]],
    ['created, revoked', [keyCreated('o1', 'k1', 1, { access: 'read_write' }), keyRevoked('o1', 'k1', 2)]],
  ] as const)('a key revoked last (%s) is unusable in any arrival order', (_label, stream) => {
    const page = { orgId: 'o1', pageId: 'p1', version: 1, name: 'p', removed: false };
    const orders = permutations(stream);
    expect(orders).toHaveLength(stream.length === 3 ? 6 : 2);
    for (const order of orders) {
      const view = viewOf(order);
      const key = view.keyById('k1');
      expect(key?.revoked).toBe(true);
      expect(key?.version).toBe(stream.length);
      // Found by hash (created first) or not at all (a tombstone): never usable.
      const byHash = view.keyByHash(hashOf('k1'));
      expect(byHash === undefined || byHash === key).toBe(true);
      const decision = evaluateAccess(
        { key: key as KeyRecord, member: null, page, now: 0, clientIp: null },
        { permission: 'status_page:read', orgId: 'o1', statusPageId: 'p1' },
      );
      expect(decision).toEqual({ allowed: false, reason: 'key_revoked' });
    }
  });
});
