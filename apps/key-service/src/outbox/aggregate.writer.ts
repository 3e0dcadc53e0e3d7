import { Injectable } from '@nestjs/common';
import type { Model } from 'mongoose';
import { randomUUID } from 'node:crypto';
import type { AccessEvent, Actor } from '@sp/contracts';
import { encodeConsistencyToken } from '@sp/contracts';
import { conflict } from '../common/errors';
import { OutboxRelay } from './outbox.relay';

type EventOf<T extends AccessEvent['type']> = Extract<AccessEvent, { type: T }>;

/** Builds an event envelope for the change that takes `aggregateId` to `aggregateVersion`. */
export function buildEvent<T extends AccessEvent['type']>(
  type: T,
  meta: { orgId: string; aggregateId: string; aggregateVersion: number; actor?: Actor },
  payload: EventOf<T>['payload'],
): EventOf<T> {
  return {
    id: randomUUID(),
    type,
    schemaVersion: 1,
    orgId: meta.orgId,
    aggregateId: meta.aggregateId,
    aggregateVersion: meta.aggregateVersion,
    occurredAt: new Date().toISOString(),
    ...(meta.actor ? { actor: meta.actor } : {}),
    payload,
  } as EventOf<T>;
}

export interface VersionedDoc {
  _id: string;
  version: number;
}

/** What a mutation decides given the current document: the new fields and the event, or nothing to do. */
export type Change = { set: Record<string, unknown>; event: AccessEvent } | null;

export interface WriteResult<D> {
  doc: D;
  changed: boolean;
  consistencyToken: string;
}

/**
 * Optimistic-concurrency writer for aggregates with an embedded outbox. `decide` sees the current
 * document (or null) and returns the change; the write succeeds only if nobody changed the document
 * in between (version match / insert of a new id), else it re-reads and decides again.
 */
@Injectable()
export class AggregateWriter {
  constructor(private readonly relay: OutboxRelay) {}

  async write<D extends VersionedDoc>(
    model: Model<D>,
    id: string,
    orgId: string,
    decide: (current: D | null, nextVersion: number) => Change,
  ): Promise<WriteResult<D>> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = (await model.findById(id).lean().exec()) as D | null;
      const nextVersion = (current?.version ?? 0) + 1;
      const change = decide(current, nextVersion);
      if (change === null) {
        if (current === null) throw new Error(`decide returned no change for missing ${id}`);
        return { doc: current, changed: false, consistencyToken: token(orgId, id, current.version) };
      }
      const serialized = JSON.stringify(change.event);
      if (current === null) {
        try {
          await model.collection.insertOne({
            _id: id,
            ...change.set,
            version: nextVersion,
            outbox: [serialized],
            outboxPending: true,
          } as never);
        } catch (err) {
          if ((err as { code?: number }).code === 11000) continue; // created concurrently: decide again
          throw err;
        }
      } else {
        const res = await model.collection.updateOne(
          { _id: id, version: current.version } as never,
          { $set: { ...change.set, version: nextVersion, outboxPending: true }, $push: { outbox: serialized } } as never,
        );
        if (res.matchedCount === 0) continue; // changed concurrently: decide again
      }
      // The only pending event of this aggregate can be published right away (order is safe);
      // otherwise the relay publishes the outbox in order.
      const onlyPending = current === null || ((current as { outbox?: string[] }).outbox ?? []).length === 0;
      if (onlyPending) this.relay.publishNow(model as never, id, nextVersion, serialized);
      else this.relay.kick();
      const doc = (await model.findById(id).lean().exec()) as D;
      return { doc, changed: true, consistencyToken: token(orgId, id, nextVersion) };
    }
    throw conflict('the resource is being changed concurrently; retry');
  }
}

function token(orgId: string, aggregateId: string, aggregateVersion: number): string {
  return encodeConsistencyToken({ orgId, aggregateId, aggregateVersion });
}
