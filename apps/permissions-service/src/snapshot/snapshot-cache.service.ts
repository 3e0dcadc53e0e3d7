import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createWriteStream, type ReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomUUID } from 'node:crypto';
import { TOPICS } from '@sp/contracts';
import { viewSnapshotLines } from '@sp/permissions';
import { kafkaConnection, topicLogStartOffsets, type KafkaConnection } from '@sp/platform';
import type { PermissionsEnv } from '../config/env.schema';
import { ViewRepository } from '../view/view.repository';

const FILE = 'view-snapshot.ndjson';

/** A cached snapshot ready to be streamed: an open file (a later refresh renames over its name, not its contents). */
export interface CachedSnapshot {
  stream: ReadStream;
  createdAt: Date;
  bytes: number;
}

/**
 * The view's snapshot kept as a file, so a gateway's start reads a file at disk speed instead of a
 * full scan of the view's four collections (which the local engine serves at ~18k documents/s, and
 * which N gateways starting at once would each repeat). Written in the background at start and then
 * every VIEW_SNAPSHOT_REFRESH_MS once the offsets moved, to a temporary file renamed into place, in
 * a directory of this process's own (VIEW_SNAPSHOT_DIR/<pid>), removed at shutdown.
 *
 * A cached snapshot is only served while its offsets are still in the access topic (at or after each
 * partition's log start: retention or a deletion may have removed what follows them) and while it is
 * younger than VIEW_SNAPSHOT_MAX_AGE_MS; else, or when the broker cannot say, the caller reads the
 * database. Replaying from an older snapshot's offsets is harmless (version-guarded), only longer.
 */
@Injectable()
export class SnapshotCacheService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SnapshotCacheService.name);
  private readonly dir: string;
  private readonly refreshMs: number;
  private readonly maxAgeMs: number;
  private readonly kafka: KafkaConnection;
  private timer: NodeJS.Timeout | null = null;
  /** The refresh in progress or last done (refreshes are chained). */
  private writing: Promise<void> | null = null;
  private stopped = false;
  private readonly abort = new AbortController();
  /** Offsets of the file in place, as written (null: none written by this process yet). */
  private current: { offsets: Map<number, bigint>; createdAt: Date; bytes: number } | null = null;

  constructor(config: ConfigService<PermissionsEnv, true>, private readonly repo: ViewRepository) {
    this.dir = join(config.get('VIEW_SNAPSHOT_DIR', { infer: true }), String(process.pid));
    this.refreshMs = config.get('VIEW_SNAPSHOT_REFRESH_MS', { infer: true });
    this.maxAgeMs = config.get('VIEW_SNAPSHOT_MAX_AGE_MS', { infer: true });
    this.kafka = kafkaConnection(config);
  }

  get enabled(): boolean {
    return this.refreshMs > 0;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.enabled) return;
    this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    if (this.timer) clearTimeout(this.timer);
    await this.writing?.catch(() => undefined);
    // The file is this process's own (its offsets are only known here): a later start writes anew.
    await rm(this.dir, { recursive: true, force: true });
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.refresh()
        .catch((err: Error) => {
          if (!this.stopped) this.logger.warn(`view snapshot not cached: ${err.message}`);
        })
        .finally(() => this.schedule(this.refreshMs));
    }, ms);
    this.timer.unref();
  }

  /**
   * Writes a new snapshot file unless the one in place reflects the same offsets. Refreshes run one
   * at a time, so an older one cannot rename its file over a newer one's.
   */
  refresh(): Promise<void> {
    const next = (this.writing ?? Promise.resolve()).catch(() => undefined).then(() => this.write());
    this.writing = next;
    return next;
  }

  private async write(): Promise<void> {
    const started = Date.now();
    const offsets = await this.repo.offsets(TOPICS.accessEvents);
    if (this.current && sameOffsets(this.current.offsets, offsets) && Date.now() - this.current.createdAt.getTime() < this.maxAgeMs / 2) return;
    await mkdir(this.dir, { recursive: true });
    const tmp = join(this.dir, `.${FILE}.${process.pid}.${randomUUID().slice(0, 8)}`);
    try {
      await pipeline(Readable.from(viewSnapshotLines(offsets, (kind) => this.repo.records(kind))), createWriteStream(tmp), { signal: this.abort.signal });
      const { size } = await stat(tmp);
      await rename(tmp, join(this.dir, FILE));
      this.current = { offsets, createdAt: new Date(started), bytes: size };
      this.logger.log(`view snapshot cached: ${(size / 2 ** 20).toFixed(1)} MiB in ${Date.now() - started} ms`);
    } finally {
      await rm(tmp, { force: true });
    }
  }

  /**
   * The cached snapshot, opened, if it may be served now; null when there is none, it is too old,
   * or the topic no longer holds what follows its offsets (or the broker cannot tell).
   */
  async open(): Promise<CachedSnapshot | null> {
    const current = this.current;
    if (!this.enabled || current === null) return null;
    if (Date.now() - current.createdAt.getTime() > this.maxAgeMs) return null;
    let logStart: Map<number, bigint>;
    try {
      logStart = await topicLogStartOffsets(this.kafka, TOPICS.accessEvents);
    } catch (err) {
      this.logger.warn(`serving the view from the database: the log start offsets are unknown (${(err as Error).message})`);
      return null;
    }
    for (const [partition, start] of logStart) {
      // A partition the snapshot has no offset for is read from its start, which must still be 0.
      if ((current.offsets.get(partition) ?? 0n) < start) return null;
    }
    // Open before streaming: the name may be renamed over by a refresh meanwhile; this file stays readable.
    const handle = await open(join(this.dir, FILE), 'r').catch(() => null);
    if (handle === null) return null;
    return { stream: handle.createReadStream({ highWaterMark: 256 * 1024 }), createdAt: current.createdAt, bytes: current.bytes };
  }
}

function sameOffsets(a: ReadonlyMap<number, bigint>, b: ReadonlyMap<number, bigint>): boolean {
  if (a.size !== b.size) return false;
  for (const [p, o] of a) if (b.get(p) !== o) return false;
  return true;
}
