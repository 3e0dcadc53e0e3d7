import { accessEvent, keyCreatedPayload } from '@sp/testing';
import { AccessView, type AggregateKind, type ViewRecord } from '@sp/permissions';
import { ProjectionService } from './projection.service';
import type { RecordChange, ViewRepository } from './view.repository';

/** In-memory stand-in for the MongoDB repository (unit test only; the real one is in test/). */
class MemoryRepo {
  readonly records = new Map<string, ViewRecord>();
  loads = 0;
  saves: RecordChange[][] = [];
  async load(kind: AggregateKind, ids: string[]) {
    this.loads++;
    const out = new Map<string, ViewRecord>();
    for (const id of ids) {
      const r = this.records.get(`${kind}:${id}`);
      if (r) out.set(id, r);
    }
    return out;
  }
  async save(changes: RecordChange[]) {
    this.saves.push(changes);
    for (const c of changes) this.records.set(`${c.kind}:${c.id}`, c.record);
  }
}

describe('ProjectionService', () => {
  const events = [
    accessEvent('OrgUpserted', 'o1', 1, { name: 'O' }),
    accessEvent('StatusPageUpserted', 'o1', 1, { pageId: 'p1', name: 'P' }),
    accessEvent('MemberUpserted', 'o1', 1, { userId: 'u1', role: 'viewer', pageRoles: [] }),
    accessEvent('MemberUpserted', 'o1', 2, { userId: 'u1', role: 'admin', pageRoles: [{ pageId: 'p1', role: 'owner' }] }),
    accessEvent('KeyCreated', 'o1', 1, keyCreatedPayload('key_1', 'c'.repeat(64))),
    accessEvent('KeyRevoked', 'o1', 2, { keyId: 'key_1' }),
  ];

  it('applies a batch with one load per kind and one save, ending where the in-memory view ends', async () => {
    const repo = new MemoryRepo();
    const projection = new ProjectionService(repo as unknown as ViewRepository);
    expect(await projection.project(events)).toBe(4);
    expect(repo.loads).toBe(4);
    expect(repo.saves).toHaveLength(1);
    const view = new AccessView();
    for (const e of events) view.apply(e);
    expect(repo.records.get('key:key_1')).toEqual(view.keyById('key_1'));
    expect(repo.records.get('member:o1/u1')).toEqual(view.member('o1', 'u1'));
  });

  it('writes nothing for duplicates and older versions', async () => {
    const repo = new MemoryRepo();
    const projection = new ProjectionService(repo as unknown as ViewRepository);
    await projection.project(events);
    expect(await projection.project([events[0], events[2], events[4]])).toBe(0);
    expect(repo.saves[1]).toEqual([]);
  });

  it('gives the same records one event at a time', async () => {
    const batched = new MemoryRepo();
    const single = new MemoryRepo();
    await new ProjectionService(batched as unknown as ViewRepository).project(events);
    await new ProjectionService(single as unknown as ViewRepository).projectOneByOne(events);
    expect([...single.records]).toEqual(expect.arrayContaining([...batched.records]));
    expect(single.records.size).toBe(batched.records.size);
  });
});
