import { Injectable } from '@nestjs/common';
import type { AccessEvent } from '@sp/contracts';
import { aggregateIdOf, aggregateKind, applyToRecord, type AggregateKind, type ViewRecord } from '@sp/permissions';
import { ViewRepository, type RecordChange } from './view.repository';

/**
 * Projects access events into the MongoDB view with the shared pure reducers. A batch costs one
 * read per record kind and one bulk write per kind, whatever its size; events of one aggregate are
 * applied in order, and a duplicate or older event leaves its record as it is (no write at all).
 */
@Injectable()
export class ProjectionService {
  constructor(private readonly repo: ViewRepository) {}

  /**
   * project() after refusing every KeyCreated that would give a key a hash another key holds (in the
   * view or earlier in the batch): a hash never re-binds, so a forged or replayed create cannot move
   * a key to another org. Returns the refused events (index in `events` -> reason) to dead-letter.
   */
  async projectBatch(events: AccessEvent[]): Promise<Map<number, string>> {
    const creates = events.flatMap((e, index) => (e.type === 'KeyCreated' ? [{ index, keyId: e.payload.keyId, keyHash: e.payload.keyHash }] : []));
    const refused = new Map<number, string>();
    if (creates.length > 0) {
      const holders = await this.repo.keyIdsByHash([...new Set(creates.map((c) => c.keyHash))]);
      for (const { index, keyId, keyHash } of creates) {
        const holder = holders.get(keyHash);
        if (holder !== undefined && holder !== keyId) refused.set(index, `key ${keyId} claims the hash of key ${holder}; a hash never re-binds`);
        else holders.set(keyHash, keyId);
      }
    }
    await this.project(refused.size === 0 ? events : events.filter((_, i) => !refused.has(i)));
    return refused;
  }

  async project(events: AccessEvent[]): Promise<number> {
    if (events.length === 0) return 0;
    const idsByKind = new Map<AggregateKind, Set<string>>();
    for (const e of events) {
      const kind = aggregateKind(e);
      const set = idsByKind.get(kind) ?? new Set<string>();
      set.add(aggregateIdOf(e));
      idsByKind.set(kind, set);
    }
    const current = new Map<string, ViewRecord | null>();
    const loaded = new Map<string, ViewRecord | null>();
    await Promise.all(
      [...idsByKind].map(async ([kind, ids]) => {
        const records = await this.repo.load(kind, [...ids]);
        for (const id of ids) {
          const rec = records.get(id) ?? null;
          current.set(`${kind}:${id}`, rec);
          loaded.set(`${kind}:${id}`, rec);
        }
      }),
    );
    for (const e of events) {
      const slot = `${aggregateKind(e)}:${aggregateIdOf(e)}`;
      current.set(slot, applyToRecord(current.get(slot) ?? null, e));
    }
    const changes: RecordChange[] = [];
    for (const [slot, record] of current) {
      if (record === null || record === loaded.get(slot)) continue;
      const sep = slot.indexOf(':');
      changes.push({ kind: slot.slice(0, sep) as AggregateKind, id: slot.slice(sep + 1), record });
    }
    await this.repo.save(changes);
    return changes.length;
  }

  /** One read and one write per event: the baseline the batched path is benchmarked against. */
  async projectOneByOne(events: AccessEvent[]): Promise<void> {
    for (const e of events) {
      const kind = aggregateKind(e);
      const id = aggregateIdOf(e);
      const prev = (await this.repo.load(kind, [id])).get(id) ?? null;
      const next = applyToRecord(prev, e);
      if (next !== prev) await this.repo.save([{ kind, id, record: next }]);
    }
  }
}
