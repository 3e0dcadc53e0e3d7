import fc from 'fast-check';
import { ORG_ROLES, PAGE_ROLES, type AccessEvent } from '@sp/contracts';
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
import { aggregateIdOf, aggregateKind } from './aggregate';
import { AccessView } from './access-view';
import { applyToRecord } from './apply-to-record';
import { viewSnapshotLines, ViewSnapshotReader } from './view-snapshot.stream';
import type { ViewRecord } from './view.records';

const org = fc.constantFrom('o1', 'o2');
const version = fc.integer({ min: 1, max: 4 });
const name = fc.constantFrom('a', 'b');

const orgEventArb = fc.tuple(org, version, name).map(([o, v, n]) => orgUpserted(o, v, n));
const pageEventArb = fc.oneof(
  fc.tuple(org, fc.constantFrom('p1', 'p2'), version, name).map(([o, p, v, n]) => pageUpserted(o, p, v, n)),
  fc.tuple(org, fc.constantFrom('p1', 'p2'), version).map(([o, p, v]) => pageRemoved(o, p, v)),
);
const memberEventArb = fc.oneof(
  fc
    .tuple(
      org,
      fc.constantFrom('u1', 'u2'),
      version,
      fc.option(fc.constantFrom(...ORG_ROLES)),
      fc.uniqueArray(fc.record({ pageId: fc.constantFrom('p1', 'p2'), role: fc.constantFrom(...PAGE_ROLES) }), { maxLength: 2, selector: (r) => r.pageId }),
    )
    .map(([o, u, v, role, pageRoles]) => memberUpserted(o, u, v, role, pageRoles)),
  fc.tuple(org, fc.constantFrom('u1', 'u2'), version).map(([o, u, v]) => memberRemoved(o, u, v)),
);
const keyCreatedArb = fc
  .tuple(org, fc.constantFrom('k1', 'k2'), version, fc.boolean(), fc.constantFrom('read' as const, 'read_write' as const))
  .map(([o, k, v, altHash, access]) => keyCreated(o, k, v, { keyHash: hashOf(altHash ? `${k}x` : k), access }));
const keyEventArb = fc.oneof(
  keyCreatedArb,
  fc.tuple(org, fc.constantFrom('k1', 'k2'), version).map(([o, k, v]) => keyRevoked(o, k, v)),
  fc
    .tuple(org, fc.constantFrom('k1', 'k2'), version, fc.integer({ min: 0, max: 5 }))
    .map(([o, k, v, day]) => keyRolled(o, k, v, `2030-01-0${day + 1}T00:00:00.000Z`)),
);

const anyEventArb: fc.Arbitrary<AccessEvent> = fc.oneof(orgEventArb, pageEventArb, memberEventArb, keyEventArb);
/** Events carrying the whole state of their aggregate: their outcome does not depend on order. */
const fullStateEventArb: fc.Arbitrary<AccessEvent> = fc.oneof(orgEventArb, pageEventArb, memberEventArb, keyCreatedArb);

function viewOf(events: readonly AccessEvent[]): AccessView {
  const view = new AccessView();
  for (const event of events) view.apply(event);
  return view;
}

describe('AccessView properties', () => {
  it('applying an event twice equals applying it once', () => {
    fc.assert(
      fc.property(fc.array(anyEventArb, { maxLength: 30 }), (events) => {
        const twice = new AccessView();
        for (const event of events) {
          twice.apply(event);
          expect(twice.apply(event)).toBe(false);
        }
        expect(twice.snapshot()).toEqual(viewOf(events).snapshot());
      }),
      { numRuns: 300 },
    );
  });

  it('reducers are idempotent: the second application returns the same record', () => {
    fc.assert(
      fc.property(fc.array(anyEventArb, { maxLength: 20 }), anyEventArb, (history, event) => {
        let current: ViewRecord | null = null;
        for (const past of history) {
          if (aggregateIdOf(past) === aggregateIdOf(event) && aggregateKind(past) === aggregateKind(event)) {
            current = applyToRecord(current, past);
          }
        }
        const once = applyToRecord(current, event);
        expect(applyToRecord(once, event)).toBe(once);
      }),
      { numRuns: 500 },
    );
  });

  it('a revoked key stays revoked whatever arrives after', () => {
    fc.assert(
      fc.property(fc.array(keyEventArb, { maxLength: 30 }), (events) => {
        const view = new AccessView();
        const revoked = new Set<string>();
        for (const event of events) {
          view.apply(event);
          for (const keyId of revoked) expect(view.keyById(keyId)?.revoked).toBe(true);
          for (const keyId of ['k1', 'k2']) if (view.keyById(keyId)?.revoked) revoked.add(keyId);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a key with any KeyRevoked among its events ends revoked, whatever the versions and the order', () => {
    fc.assert(
      fc.property(fc.array(keyEventArb, { maxLength: 30 }), fc.integer(), (events, seed) => {
        const view = viewOf(shuffled(events, seed));
        for (const keyId of ['k1', 'k2']) {
          const revokes = events.some((e) => e.type === 'KeyRevoked' && e.aggregateId === keyId);
          if (revokes) expect(view.keyById(keyId)?.revoked).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('the hash index always points at the current record of each hashed key', () => {
    fc.assert(
      fc.property(fc.array(keyEventArb, { maxLength: 30 }), (events) => {
        const view = viewOf(events);
        const hashed = view.snapshot().keys.filter((k) => k.keyHash !== null);
        for (const key of hashed) expect(view.keyByHash(key.keyHash as string)).toBe(view.keyById(key.keyId));
        expect(view.size.keysByHash).toBe(hashed.length);
      }),
      { numRuns: 300 },
    );
  });

  it('full-state events reach the same view in any order', () => {
    const uniqueEvents = fc.uniqueArray(fullStateEventArb, {
      selector: (e) => `${aggregateKind(e)}:${aggregateIdOf(e)}#${e.aggregateVersion}`,
      maxLength: 30,
    });
    fc.assert(
      fc.property(uniqueEvents, fc.integer(), (events, seed) => {
        expect(viewOf(shuffled(events, seed)).snapshot()).toEqual(viewOf(events).snapshot());
      }),
      { numRuns: 300 },
    );
  });

  it('a view restored from its snapshot stream equals it, and then follows the same events alike', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(anyEventArb, { maxLength: 30 }), fc.array(anyEventArb, { maxLength: 10 }), async (history, tail) => {
        const live = viewOf(history);
        const snapshot = live.snapshot();
        const byKind = { org: snapshot.orgs, page: snapshot.pages, member: snapshot.members, key: snapshot.keys };
        const offsets = new Map([[0, 7n], [2, 3n]]);
        let text = '';
        for await (const chunk of viewSnapshotLines(offsets, async function* (kind) { yield* byKind[kind]; })) text += chunk;
        const restored = new AccessView();
        const lines = ViewSnapshotReader.parse(text);
        expect(lines[0]).toEqual({ offsets });
        for (const line of lines.slice(1)) if ('kind' in line) restored.restore(line.kind, line.record);
        expect(restored.snapshot()).toEqual(snapshot);
        // Replaying events the snapshot already reflects changes nothing; newer ones apply alike.
        for (const event of [...history, ...tail]) {
          let a: unknown, b: unknown;
          try { a = live.apply(event); } catch (err) { a = (err as Error).message; }
          try { b = restored.apply(event); } catch (err) { b = (err as Error).message; }
          expect(b).toEqual(a);
        }
        expect(restored.snapshot()).toEqual(live.snapshot());
      }),
      { numRuns: 200 },
    );
  });
});
