import mongoose, { type Connection } from 'mongoose';
import { recordIdOf, type AggregateKind, type ViewRecord } from '@sp/permissions';
import type { EventSigner, KafkaTarget } from '@sp/platform';
import { ViewRepository } from '../view/view.repository';
import { fillView, type FillReport, type ViewSource } from './view-sources';

export { HistoryUnavailableError, type ViewSource, type FillReport } from './view-sources';

export interface RebuildOptions {
  mongoUri: string;
  /** The live view to compare with. */
  liveDb: string;
  /** Where to rebuild from; the access topic (brokers, signer) when absent. */
  source?: ViewSource;
  brokers?: KafkaTarget;
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
    const compared = await compareViews(new ViewRepository(liveConn), new ViewRepository(rebuildConn), new Set(fill.pending ?? []));
    return {
      equal: compared.differences.length === 0,
      from: source.from,
      rebuildDb,
      events: fill.events ?? 0,
      deadLettered: fill.deadLettered ?? 0,
      offsets: fill.offsets,
      counts: compared.counts,
      differences: compared.differences.slice(0, 50),
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
  if (!conn.db) throw new Error(`not connected to database ${db}`);
  const collections = await conn.db.listCollections({}, { nameOnly: true }).toArray();
  if (collections.length > 0) {
    throw new Error(`database ${db} is not empty (${collections.map((c) => c.name).sort().join(', ')}): rebuild into a new database, or drop it first`);
  }
}

const KINDS: { kind: AggregateKind; plural: string }[] = [
  { kind: 'org', plural: 'orgs' },
  { kind: 'page', plural: 'pages' },
  { kind: 'member', plural: 'members' },
  { kind: 'key', plural: 'keys' },
];

/**
 * Record by record, kind by kind: the live view's records of one kind are held (as canonical JSON),
 * the rebuilt ones streamed past them. Every difference is counted (only the first 50 are kept).
 */
export async function compareViews(live: Pick<ViewRepository, 'records'>, rebuilt: Pick<ViewRepository, 'records'>, pending: ReadonlySet<string> = new Set()) {
  const counts: RebuildReport['counts'] = { live: {}, rebuilt: {} };
  const differences: RebuildReport['differences'] = [];
  const differ = (kind: AggregateKind, plural: string, id: string, a: string | undefined, b: string | undefined) =>
    differences.push({
      kind: plural,
      id,
      live: a === undefined ? null : JSON.parse(a),
      rebuilt: b === undefined ? null : JSON.parse(b),
      ...(pending.has(`${kind}:${id}`) ? { pending: true as const } : {}),
    });
  for (const { kind, plural } of KINDS) {
    const held = new Map<string, string>();
    for await (const record of live.records(kind)) held.set(recordIdOf(kind, record), canonical(kind, record));
    counts.live[plural] = held.size;
    counts.rebuilt[plural] = 0;
    for await (const record of rebuilt.records(kind)) {
      counts.rebuilt[plural]++;
      const id = recordIdOf(kind, record);
      const b = canonical(kind, record);
      const a = held.get(id);
      if (a !== b) differ(kind, plural, id, a, b);
      held.delete(id);
    }
    for (const [id, a] of held) differ(kind, plural, id, a, undefined);
  }
  return { counts, differences };
}

/** JSON with every object's keys sorted, at any depth; a key record without `permissions` (stored before the field) has none. */
function canonical(kind: AggregateKind, record: ViewRecord): string {
  return JSON.stringify(sortKeys(kind === 'key' ? { permissions: null, ...record } : record));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  return Object.fromEntries(Object.keys(obj).sort().map((k) => [k, sortKeys(obj[k])]));
}
