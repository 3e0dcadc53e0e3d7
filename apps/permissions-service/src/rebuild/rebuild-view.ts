import { isDeepStrictEqual } from 'node:util';
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { accessEventSchema, EVENT_SIGNATURE_HEADER, TOPICS, type AccessEvent } from '@sp/contracts';
import { hasConsistentAggregateId, type AccessViewSnapshot } from '@sp/permissions';
import { BatchConsumer, EventSigner, KafkaPublisher } from '@sp/platform';
import { ProjectionService } from '../view/projection.service';
import { ViewRepository } from '../view/view.repository';

export interface RebuildOptions {
  brokers: string[];
  mongoUri: string;
  liveDb: string;
  /** Verifies the events' signatures, as the live projection does. */
  signer: EventSigner;
  /** Database to rebuild into (must not exist yet); dropped afterwards unless keep. */
  rebuildDb?: string;
  keep?: boolean;
  timeoutMs?: number;
}

export interface RebuildReport {
  equal: boolean;
  rebuildDb: string;
  events: number;
  deadLettered: number;
  counts: { live: Record<string, number>; rebuilt: Record<string, number> };
  differences: { kind: string; id: string; live: unknown; rebuilt: unknown }[];
}

/**
 * Replays the access topic from the beginning into an empty database with the same projection code
 * and compares the result with the live view, record by record.
 */
export async function rebuildView(options: RebuildOptions): Promise<RebuildReport> {
  const rebuildDb = options.rebuildDb ?? `${options.liveDb}_rebuild_${Date.now()}`;
  const liveConn = await mongoose.createConnection(options.mongoUri, { dbName: options.liveDb }).asPromise();
  const rebuildConn = await mongoose.createConnection(options.mongoUri, { dbName: rebuildDb }).asPromise();
  const publisher = new KafkaPublisher(options.brokers, 'permissions-rebuild');
  const rebuilt = new ViewRepository(rebuildConn);
  const live = new ViewRepository(liveConn);
  const projection = new ProjectionService(rebuilt);
  const consumer = new BatchConsumer<AccessEvent>({
    brokers: options.brokers,
    clientId: 'permissions-rebuild',
    groupId: `permissions-rebuild.${randomUUID()}`,
    topic: TOPICS.accessEvents,
    deadLetterTopic: null,
    fromBeginning: true,
    schema: accessEventSchema,
    verify: (value, headers) => options.signer.verify(value, headers?.[EVENT_SIGNATURE_HEADER]),
    check: (e) => (hasConsistentAggregateId(e) ? null : 'aggregateId does not match payload'),
    publisher,
    handle: async (messages) => {
      const refused = await projection.projectBatch(messages.map((m) => m.value));
      return [...refused].map(([index, error]) => ({ offset: messages[index].offset, error }));
    },
  });
  try {
    if ((await rebuildConn.db!.listCollections().toArray()).length > 0) throw new Error(`rebuild database ${rebuildDb} is not empty`);
    const caughtUp = new Promise<void>((resolve) => consumer.once('caughtUp', () => resolve()));
    await consumer.start();
    if (!consumer.isCaughtUp) {
      const timeout = options.timeoutMs ?? 300_000;
      await Promise.race([
        caughtUp,
        new Promise((_, reject) => setTimeout(() => reject(new Error(`replay did not finish within ${timeout} ms`)), timeout).unref()),
      ]);
    }
    await consumer.stop();
    const [a, b] = await Promise.all([live.snapshot(), rebuilt.snapshot()]);
    return {
      equal: isDeepStrictEqual(a, b),
      rebuildDb,
      events: consumer.processed,
      deadLettered: consumer.deadLettered,
      counts: { live: counts(a), rebuilt: counts(b) },
      differences: diff(a, b).slice(0, 50),
    };
  } finally {
    await consumer.stop();
    if (!options.keep) await rebuildConn.dropDatabase().catch(() => undefined);
    await Promise.all([liveConn.close(), rebuildConn.close(), publisher.onApplicationShutdown()]);
  }
}

function counts(s: AccessViewSnapshot): Record<string, number> {
  return { orgs: s.orgs.length, pages: s.pages.length, members: s.members.length, keys: s.keys.length };
}

function diff(live: AccessViewSnapshot, rebuilt: AccessViewSnapshot) {
  const out: RebuildReport['differences'] = [];
  const ids: Record<keyof AccessViewSnapshot, (r: never) => string> = {
    orgs: (r: { orgId: string }) => r.orgId,
    pages: (r: { pageId: string }) => r.pageId,
    members: (r: { orgId: string; userId: string }) => `${r.orgId}/${r.userId}`,
    keys: (r: { keyId: string }) => r.keyId,
  } as never;
  for (const kind of Object.keys(ids) as (keyof AccessViewSnapshot)[]) {
    const id = ids[kind] as (r: unknown) => string;
    const a = new Map((live[kind] as unknown[]).map((r) => [id(r), r]));
    const b = new Map((rebuilt[kind] as unknown[]).map((r) => [id(r), r]));
    for (const k of new Set([...a.keys(), ...b.keys()])) {
      if (!isDeepStrictEqual(a.get(k), b.get(k))) out.push({ kind, id: k, live: a.get(k) ?? null, rebuilt: b.get(k) ?? null });
    }
  }
  return out;
}
