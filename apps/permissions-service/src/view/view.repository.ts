import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { AnyBulkWriteOperation, Collection, Connection, Document } from 'mongoose';
import { memberAggregateId } from '@sp/contracts';
import type { AccessViewSnapshot, AggregateKind, KeyRecord, MemberRecord, OrgRecord, PageRecord, ViewRecord } from '@sp/permissions';

/** One document per partition of the access topic: the next offset the view has not applied. */
const OFFSETS = 'view_offsets';

const COLLECTIONS: Record<AggregateKind, string> = {
  key: 'view_keys',
  member: 'view_members',
  page: 'view_pages',
  org: 'view_orgs',
};

export interface RecordChange {
  kind: AggregateKind;
  id: string;
  record: ViewRecord;
}

type Stored<T> = T & { _id: string };

/**
 * The materialized view in MongoDB: one collection per record kind, `_id` = aggregate id, the
 * record's fields as they are (ids are never used as document keys). Writes are version-guarded.
 */
@Injectable()
export class ViewRepository {
  constructor(@InjectConnection() private readonly connection: Connection) {}

  private col(kind: AggregateKind): Collection<Document> {
    return this.connection.collection(COLLECTIONS[kind]);
  }

  async ensureIndexes(): Promise<void> {
    await this.col('key').createIndex({ keyHash: 1 });
    await this.col('member').createIndex({ orgId: 1 });
    await this.col('page').createIndex({ orgId: 1 });
  }

  /** Current records of these aggregates (missing ones are absent from the map). */
  async load(kind: AggregateKind, ids: string[]): Promise<Map<string, ViewRecord>> {
    const out = new Map<string, ViewRecord>();
    if (ids.length === 0) return out;
    const docs = await this.col(kind).find({ _id: { $in: ids } } as never).toArray();
    for (const doc of docs) {
      const { _id, ...record } = doc as unknown as Stored<ViewRecord>;
      out.set(_id, record as ViewRecord);
    }
    return out;
  }

  /**
   * Writes changed records. Each write only replaces an older version (or inserts a new record); a
   * newer version already there (another consumer got further) is left alone.
   */
  async save(changes: RecordChange[]): Promise<void> {
    const byKind = new Map<AggregateKind, AnyBulkWriteOperation<Document>[]>();
    for (const { kind, id, record } of changes) {
      const ops = byKind.get(kind) ?? [];
      // A revocation replaces any record of the key not yet revoked, whatever its version
      // (revocation is monotonic even after an event with an inflated version).
      const newer = 'revoked' in record && record.revoked ? { $or: [{ version: { $lt: record.version } }, { revoked: { $ne: true } }] } : { version: { $lt: record.version } };
      ops.push({
        replaceOne: { filter: { _id: id, ...newer } as never, replacement: { ...record } as never, upsert: true },
      });
      byKind.set(kind, ops);
    }
    // One bulk per kind, all at once (separate collections; a failed batch is retried whole).
    await Promise.all(
      [...byKind].map(async ([kind, ops]) => {
        try {
          await this.col(kind).bulkWrite(ops, { ordered: false });
        } catch (err) {
          if (!onlyDuplicateKeys(err)) throw err;
        }
      }),
    );
  }

  /** Which key holds each of these hashes (hash -> keyId; hashes no key holds are absent). */
  async keyIdsByHash(keyHashes: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (keyHashes.length === 0) return out;
    const docs = await this.col('key').find({ keyHash: { $in: keyHashes } }, { projection: { keyHash: 1 } }).toArray();
    for (const doc of docs) out.set((doc as { keyHash?: unknown }).keyHash as string, String(doc._id));
    return out;
  }

  /**
   * Records the next offset to read of a partition once the view reflects everything before it
   * (only ever moves forward, so instances sharing the partitions cannot move it back).
   */
  async saveOffset(topic: string, partition: number, next: bigint): Promise<void> {
    await this.connection
      .collection(OFFSETS)
      .updateOne({ _id: `${topic}:${partition}` } as never, { $max: { offset: Number(next) }, $set: { topic, partition } }, { upsert: true });
  }

  /** The offsets the view reflects (partition -> next offset to read); empty for a new view. */
  async offsets(topic: string): Promise<Map<number, bigint>> {
    const docs = await this.connection.collection(OFFSETS).find({ topic }).toArray();
    return new Map(docs.map((d) => [Number(d.partition), BigInt(d.offset as number)]));
  }

  /**
   * Every record of one kind, in no particular order, as a stream (a snapshot of any size without
   * holding it; large batches, since the reader wants all of it).
   */
  async *records(kind: AggregateKind): AsyncGenerator<ViewRecord> {
    for await (const doc of this.col(kind).find({}, { batchSize: 5_000 })) yield strip<ViewRecord>(doc) as ViewRecord;
  }

  async keyByHash(keyHash: string): Promise<KeyRecord | null> {
    return strip(await this.col('key').findOne({ keyHash }));
  }

  async member(orgId: string, userId: string): Promise<MemberRecord | null> {
    return strip(await this.col('member').findOne({ _id: memberAggregateId(orgId, userId) } as never));
  }

  async page(pageId: string): Promise<PageRecord | null> {
    return strip(await this.col('page').findOne({ _id: pageId } as never));
  }

  /** Every record, sorted, in the same shape as AccessView.snapshot(), for comparing views. */
  async snapshot(): Promise<AccessViewSnapshot> {
    const all = async <T>(kind: AggregateKind) =>
      (await this.col(kind).find({}).sort({ _id: 1 }).toArray()).map((d) => normalise(strip<T>(d) as T));
    const [orgs, pages, members, keys] = await Promise.all([
      all<OrgRecord>('org'),
      all<PageRecord>('page'),
      all<MemberRecord>('member'),
      all<KeyRecord>('key'),
    ]);
    return { orgs, pages, members, keys } as AccessViewSnapshot;
  }

  async drop(): Promise<void> {
    await this.connection.dropDatabase();
  }
}

function strip<T>(doc: Document | null): T | null {
  if (doc === null) return null;
  const { _id: _ignored, ...rest } = doc as unknown as Record<string, unknown>;
  return rest as T;
}

/**
 * A plain copy with every object's keys sorted, at every depth, so two snapshots compare with deep
 * equality. (A key-list replacer for JSON.stringify would also drop nested keys that are not
 * top-level ones, such as pageRoles[].pageId.)
 */
function normalise<T>(record: T): T {
  const sortDeep = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sortDeep);
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, sortDeep(v)]));
  };
  return sortDeep(record) as T;
}

function onlyDuplicateKeys(err: unknown): boolean {
  const e = err as { code?: number; writeErrors?: { code?: number }[] | { code?: number } };
  if (e.code === 11000) return true;
  const list = Array.isArray(e.writeErrors) ? e.writeErrors : e.writeErrors ? [e.writeErrors] : [];
  return list.length > 0 && list.every((w) => w.code === 11000);
}
