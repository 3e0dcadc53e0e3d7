import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { Kafka, logLevel } from 'kafkajs';
import mongoose, { type Connection } from 'mongoose';
import { accessEventSchema, EVENT_SIGNATURE_HEADER, TOPICS, type AccessEvent } from '@sp/contracts';
import {
  hasConsistentAggregateId,
  keyRecordFromState,
  memberRecordFromState,
  orgRecordFromState,
  pageRecordFromState,
  ViewSnapshotReader,
  recordIdOf,
  type AggregateKind,
  type KeyState,
  type MemberState,
  type OrgState,
  type PageState,
  type ViewRecord,
} from '@sp/permissions';
import { BatchConsumer, EventSigner, KafkaPublisher, kafkaClientSettings, type KafkaTarget } from '@sp/platform';
import { ProjectionService } from '../view/projection.service';
import { ViewRepository, type RecordChange } from '../view/view.repository';

/** Where a view is rebuilt from. */
export type ViewSource =
  /** Replays the access topic from offset 0: complete only while the topic holds the whole history. */
  | { from: 'topic'; brokers: KafkaTarget; signer: EventSigner; timeoutMs?: number }
  /** key-service's documents, the source of truth: needs no history at all. */
  | { from: 'source'; brokers: KafkaTarget; mongoUri: string; keyServiceDb: string }
  /** A running permissions-service's view (GET /internal/v1/view/snapshot): a copy, not a proof. */
  | { from: 'snapshot'; permissionsUrl: string; internalToken: string };

/** What was written into the view database (besides its records). */
export interface FillReport {
  /** Records written, per kind. */
  written: Record<AggregateKind, number>;
  /** The access-topic offsets stored with the view (partition -> next offset): a service started on it tails from there. */
  offsets: Record<string, string>;
  /** topic: events applied and refused. */
  events?: number;
  deadLettered?: number;
  /** source: aggregates whose latest events are still in key-service's outbox (`${kind}:${id}`); the view converges once they are published. */
  pending?: string[];
  warnings: string[];
}

/** The topic cannot rebuild the view: part of its history is gone (retention, deleteRecords). */
export class HistoryUnavailableError extends Error {}

const BATCH = 1_000;

/** key-service's collections (apps/key-service/src/<feature>/<name>.schema.ts), each aggregate's state with its version. */
const SOURCE_COLLECTIONS: { kind: AggregateKind; collection: string; record: (doc: never) => ViewRecord }[] = [
  { kind: 'org', collection: 'orgs', record: (doc: OrgState) => orgRecordFromState(doc) },
  { kind: 'page', collection: 'status_pages', record: (doc: PageState) => pageRecordFromState(doc) },
  { kind: 'member', collection: 'members', record: (doc: MemberState) => memberRecordFromState(doc) },
  { kind: 'key', collection: 'api_keys', record: (doc: KeyState) => keyRecordFromState(doc) },
];

/** Fills an empty view database from `source`; returns what it wrote. */
export async function fillView(source: ViewSource, target: Connection): Promise<FillReport> {
  const repo = new ViewRepository(target);
  await repo.ensureIndexes();
  switch (source.from) {
    case 'topic':
      return fillFromTopic(source, repo);
    case 'source':
      return fillFromSource(source, repo);
    case 'snapshot':
      return fillFromSnapshot(source, repo);
  }
}

/** Buffers record writes into bulk writes of BATCH records, counting them per kind. */
class RecordWriter {
  readonly written: Record<AggregateKind, number> = { org: 0, page: 0, member: 0, key: 0 };
  private buffer: RecordChange[] = [];

  constructor(private readonly repo: ViewRepository) {}

  async add(change: RecordChange): Promise<void> {
    this.buffer.push(change);
    this.written[change.kind]++;
    if (this.buffer.length >= BATCH) await this.flush();
  }

  async flush(): Promise<void> {
    const changes = this.buffer;
    this.buffer = [];
    if (changes.length > 0) await this.repo.save(changes);
  }
}

function kafkaAdmin(brokers: KafkaTarget) {
  return new Kafka({ ...kafkaClientSettings(brokers), clientId: 'permissions-rebuild', logLevel: logLevel.NOTHING, retry: { retries: 3 } }).admin();
}

async function topicOffsets(brokers: KafkaTarget): Promise<{ partition: number; low: bigint; high: bigint }[]> {
  const admin = kafkaAdmin(brokers);
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(TOPICS.accessEvents);
    return offsets.map((p) => ({ partition: p.partition, low: BigInt(p.low), high: BigInt(p.high) }));
  } finally {
    await admin.disconnect();
  }
}

function lostHistory(offsets: { partition: number; low: bigint }[]): string | null {
  const lost = offsets.filter((p) => p.low > 0n).sort((a, b) => a.partition - b.partition);
  if (lost.length === 0) return null;
  const where = lost.map((p) => `partition ${p.partition} starts at offset ${p.low} (events 0..${p.low - 1n} deleted)`).join('; ');
  return (
    `${TOPICS.accessEvents} no longer holds its whole history: ${where}. A replay would miss those events; ` +
    `rebuild from key-service's database (--from source) or copy a running permissions-service's view (--from snapshot)`
  );
}

async function fillFromTopic(source: Extract<ViewSource, { from: 'topic' }>, repo: ViewRepository): Promise<FillReport> {
  const before = lostHistory(await topicOffsets(source.brokers));
  if (before) throw new HistoryUnavailableError(before);
  const publisher = new KafkaPublisher(source.brokers, 'permissions-rebuild');
  const projection = new ProjectionService(repo);
  const offsets = new Map<number, bigint>();
  const consumer = new BatchConsumer<AccessEvent>({
    brokers: source.brokers,
    clientId: 'permissions-rebuild',
    groupId: `permissions-rebuild.${randomUUID()}`,
    topic: TOPICS.accessEvents,
    // The live projection has dead-lettered these already.
    deadLetterTopic: null,
    fromBeginning: true,
    schema: accessEventSchema,
    verify: (value, headers) => source.signer.verify(value, headers?.[EVENT_SIGNATURE_HEADER]),
    check: (e) => (hasConsistentAggregateId(e) ? null : 'aggregateId does not match payload'),
    publisher,
    handle: async (messages) => {
      const refused = await projection.projectBatch(messages.map((m) => m.value));
      const last = messages[messages.length - 1];
      await repo.saveOffset(TOPICS.accessEvents, last.partition, BigInt(last.offset) + 1n);
      offsets.set(last.partition, BigInt(last.offset) + 1n);
      return [...refused].map(([index, error]) => ({ offset: messages[index].offset, error }));
    },
  });
  try {
    const caughtUp = new Promise<void>((resolve) => consumer.once('caughtUp', () => resolve()));
    await consumer.start();
    if (!consumer.isCaughtUp) {
      const timeout = source.timeoutMs ?? 300_000;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        caughtUp,
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`replay did not finish within ${timeout} ms`)), timeout);
        }),
      ]).finally(() => clearTimeout(timer));
    }
    await consumer.stop();
    // Retention may have deleted events while we read from the start: we cannot tell whether we
    // had read them, so that too is a replay we cannot vouch for.
    const after = await topicOffsets(source.brokers);
    const moved = lostHistory(after);
    if (moved) throw new HistoryUnavailableError(`${moved} (the log's start moved during the replay)`);
    for (const p of after) if (!offsets.has(p.partition)) await repo.saveOffset(TOPICS.accessEvents, p.partition, 0n);
    return {
      written: await counts(repo),
      offsets: await storedOffsets(repo),
      events: consumer.processed,
      deadLettered: consumer.deadLettered,
      warnings: [],
    };
  } finally {
    await consumer.stop();
    await publisher.onApplicationShutdown();
  }
}

async function fillFromSource(source: Extract<ViewSource, { from: 'source' }>, repo: ViewRepository): Promise<FillReport> {
  // Read before the documents: whatever is published meanwhile is replayed by whoever tails from
  // these offsets, and is a no-op where the document already had it (version-guarded).
  const ends = await topicOffsets(source.brokers);
  const conn = await mongoose.createConnection(source.mongoUri, { dbName: source.keyServiceDb }).asPromise();
  const writer = new RecordWriter(repo);
  const pending: string[] = [];
  const warnings: string[] = [];
  try {
    if (!conn.db) throw new Error(`not connected to database ${source.keyServiceDb}`);
    const existing = new Set((await conn.db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
    if (!SOURCE_COLLECTIONS.some((c) => existing.has(c.collection))) {
      warnings.push(`key-service database "${source.keyServiceDb}" holds no aggregates (none of ${SOURCE_COLLECTIONS.map((c) => c.collection).join(', ')}): is KEY_SERVICE_DB right?`);
    }
    for (const { kind, collection, record } of SOURCE_COLLECTIONS) {
      const cursor = conn.collection(collection).find({}, { projection: { outbox: 0 }, batchSize: BATCH });
      for await (const doc of cursor) {
        const rec = record(doc as never);
        const id = recordIdOf(kind, rec);
        if ((doc as { outboxPending?: boolean }).outboxPending === true) pending.push(`${kind}:${id}`);
        await writer.add({ kind, id, record: rec });
      }
    }
    await writer.flush();
  } finally {
    await conn.close();
  }
  for (const p of ends) await repo.saveOffset(TOPICS.accessEvents, p.partition, p.high);
  return { written: writer.written, offsets: await storedOffsets(repo), pending, warnings };
}

async function fillFromSnapshot(source: Extract<ViewSource, { from: 'snapshot' }>, repo: ViewRepository): Promise<FillReport> {
  const url = `${source.permissionsUrl.replace(/\/+$/, '')}/internal/v1/view/snapshot`;
  const res = await fetch(url, { headers: { authorization: `Bearer ${source.internalToken}` } }).catch((err: Error) => {
    throw new Error(`GET ${url}: ${err.message} (is PERMISSIONS_URL a running permissions-service?)`);
  });
  if (res.status !== 200 || res.body === null) {
    throw new Error(`GET ${url} answered ${res.status}${res.status === 401 ? ' (INTERNAL_TOKEN is not that service\'s)' : ''}: ${(await res.text()).slice(0, 200)}`);
  }
  const writer = new RecordWriter(repo);
  let offsets: Map<number, bigint> | null = null;
  const lines = createInterface({ input: Readable.fromWeb(res.body as WebReadableStream), crlfDelay: Infinity });
  const reader = new ViewSnapshotReader();
  for await (const line of lines) {
    if (line.length === 0) continue;
    for (const parsed of reader.lines(line)) {
      if ('offsets' in parsed) offsets = parsed.offsets;
      else await writer.add({ kind: parsed.kind, id: recordIdOf(parsed.kind, parsed.record), record: parsed.record });
    }
  }
  await writer.flush();
  if (offsets === null) throw new Error(`GET ${url}: the snapshot has no offsets line (incomplete?)`);
  // After the records: a copy cut short never claims offsets it does not reflect.
  for (const [partition, next] of offsets) await repo.saveOffset(TOPICS.accessEvents, partition, next);
  return { written: writer.written, offsets: await storedOffsets(repo), warnings: [] };
}

async function counts(repo: ViewRepository): Promise<Record<AggregateKind, number>> {
  const out: Record<AggregateKind, number> = { org: 0, page: 0, member: 0, key: 0 };
  for (const kind of Object.keys(out) as AggregateKind[]) for await (const record of repo.records(kind)) if (record) out[kind]++;
  return out;
}

async function storedOffsets(repo: ViewRepository): Promise<Record<string, string>> {
  const offsets = await repo.offsets(TOPICS.accessEvents);
  return Object.fromEntries([...offsets].sort(([a], [b]) => a - b).map(([p, o]) => [String(p), String(o)]));
}
