import { isDeepStrictEqual } from 'node:util';
import mongoose, { type Connection } from 'mongoose';
import type { AccessViewSnapshot } from '@sp/permissions';
import type { EventSigner } from '@sp/platform';
import { ViewRepository } from '../view/view.repository';
import { fillView, type FillReport, type ViewSource } from './view-sources';

export { HistoryUnavailableError, type ViewSource, type FillReport } from './view-sources';

export interface RebuildOptions {
  mongoUri: string;
  /** The live view to compare with. */
  liveDb: string;
  /** Where to rebuild from; the access topic (brokers, signer) when absent. */
  source?: ViewSource;
  brokers?: string[];
  /** Verifies the events' signatures, as the live projection does (topic). */
  signer?: EventSigner;
  /** Database to rebuild into (must be empty); dropped afterwards unless keep. */
  rebuildDb?: string;
  keep?: boolean;
  timeoutMs?: number;
}

export interface RebuildReport {
  equal: boolean;
  from: ViewSource['from'];
  rebuildDb: string;
  events: number;
  deadLettered: number;
  /** The offsets stored with the rebuilt view. */
  offsets: Record<string, string>;
  counts: { live: Record<string, number>; rebuilt: Record<string, number> };
  /** At most 50; `pending`: key-service has not published this aggregate's latest change yet (the live view converges). */
  differences: { kind: string; id: string; live: unknown; rebuilt: unknown; pending?: true }[];
  warnings: string[];
}

export interface RestoreReport extends FillReport {
  from: ViewSource['from'];
  db: string;
}

/**
 * Rebuilds the view into an empty database and keeps it there, with the offsets it reflects, for
 * a permissions-service to use (PERMISSIONS_DB=<db>; it tails the topic from those offsets).
 */
export async function restoreView(source: ViewSource, mongoUri: string, db: string): Promise<RestoreReport> {
  const conn = await mongoose.createConnection(mongoUri, { dbName: db }).asPromise();
  try {
    await requireEmpty(conn, db);
    return { from: source.from, db, ...(await fillView(source, conn)) };
  } finally {
    await conn.close();
  }
}

/**
 * Rebuilds the view from `source` into an empty database and compares it with the live view,
 * record by record (what rebuild == live proves depends on the source: the topic replays the
 * projection, key-service's documents are the source of truth, a snapshot is only a copy).
 */
export async function rebuildView(options: RebuildOptions): Promise<RebuildReport> {
  const source = options.source ?? topicSource(options);
  const rebuildDb = options.rebuildDb ?? `${options.liveDb}_rebuild_${Date.now()}`;
  const liveConn = await mongoose.createConnection(options.mongoUri, { dbName: options.liveDb }).asPromise();
  const rebuildConn = await mongoose.createConnection(options.mongoUri, { dbName: rebuildDb }).asPromise();
  let ours = false; // only a database found empty is dropped
  try {
    await requireEmpty(rebuildConn, rebuildDb);
    ours = true;
    const fill = await fillView(source, rebuildConn);
    const [a, b] = await Promise.all([new ViewRepository(liveConn).snapshot(), new ViewRepository(rebuildConn).snapshot()]);
    const pending = new Set(fill.pending ?? []);
    return {
      equal: isDeepStrictEqual(a, b),
      from: source.from,
      rebuildDb,
      events: fill.events ?? 0,
      deadLettered: fill.deadLettered ?? 0,
      offsets: fill.offsets,
      counts: { live: counts(a), rebuilt: counts(b) },
      differences: diff(a, b, pending).slice(0, 50),
      warnings: fill.warnings,
    };
  } finally {
    if (ours && !options.keep) await rebuildConn.dropDatabase().catch(() => undefined);
    await Promise.all([liveConn.close(), rebuildConn.close()]);
  }
}

function topicSource(options: RebuildOptions): ViewSource {
  if (!options.brokers || !options.signer) throw new Error('rebuildView: a topic rebuild needs brokers and signer');
  return { from: 'topic', brokers: options.brokers, signer: options.signer, timeoutMs: options.timeoutMs };
}

async function requireEmpty(conn: Connection, db: string): Promise<void> {
  const collections = await conn.db!.listCollections({}, { nameOnly: true }).toArray();
  if (collections.length > 0) {
    throw new Error(`database ${db} is not empty (${collections.map((c) => c.name).sort().join(', ')}): rebuild into a new database, or drop it first`);
  }
}

function counts(s: AccessViewSnapshot): Record<string, number> {
  return { orgs: s.orgs.length, pages: s.pages.length, members: s.members.length, keys: s.keys.length };
}

const KIND_OF: Record<keyof AccessViewSnapshot, string> = { orgs: 'org', pages: 'page', members: 'member', keys: 'key' };

function diff(live: AccessViewSnapshot, rebuilt: AccessViewSnapshot, pending: ReadonlySet<string>): RebuildReport['differences'] {
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
      if (isDeepStrictEqual(a.get(k), b.get(k))) continue;
      out.push({ kind, id: k, live: a.get(k) ?? null, rebuilt: b.get(k) ?? null, ...(pending.has(`${KIND_OF[kind]}:${k}`) ? { pending: true as const } : {}) });
    }
  }
  return out;
}
