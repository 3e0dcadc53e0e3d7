import { Logger } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import { Consumer, IHeaders, Kafka, KafkaMessage, logLevel, type RetryOptions } from 'kafkajs';
import type { z } from 'zod';
import { DEAD_LETTER_HEADERS } from '@sp/contracts';
import { kafkaLogCreator } from './kafka-log';
import { kafkaClientSettings, type KafkaTarget } from './kafka-connection';
import type { KafkaPublisher } from './kafka.publisher';

export interface ConsumedMessage<T> {
  value: T;
  partition: number;
  offset: string;
  key: string | null;
}

export interface BatchConsumerOptions<T> {
  /** The brokers, or the service's whole connection (TLS, SASL: kafkaConnection). */
  brokers: KafkaTarget;
  clientId: string;
  groupId: string;
  topic: string;
  /** Where invalid messages go; null only for replays (rebuilds) that must not dead-letter twice. */
  deadLetterTopic: string | null;
  fromBeginning: boolean;
  /** Every message is validated with this schema; a failure sends it to the dead-letter topic. */
  schema: z.ZodType<T>;
  /** Checked before parsing (e.g. the signature of the raw value): an error text dead-letters the message. */
  verify?: (value: Buffer | null, headers: IHeaders | undefined) => string | null;
  /** A further check of schema-valid messages: an error text sends the message to the dead-letter topic. */
  check?: (value: T) => string | null;
  /**
   * Applies valid messages in order. Must be idempotent: a batch is retried whole after an error.
   * May return messages it refuses (by offset, with the reason): they are dead-lettered.
   */
  handle: (messages: ConsumedMessage<T>[]) => Promise<void | RefusedMessage[]>;
  /** Publisher for the dead-letter topic. */
  publisher: KafkaPublisher;
  retry?: { initialMs: number; maxMs: number };
  /** Upper bound of messages per handler call. */
  maxBatchSize?: number;
  /** kafkajs' own retry policy for the consumer (connection and protocol errors); KAFKA_CONSUMER_RETRY otherwise. */
  kafkaRetry?: RetryOptions;
  /**
   * The offsets (next to read, per partition) a view kept elsewhere already reflects: a snapshot's,
   * or the view database's own. Consumption starts there (the group's offsets are set to them while
   * it has no member), so a start costs the events since, not the whole history; a partition whose
   * stored offset is older than the log's start has lost events (`gaps`).
   */
  startOffsets?: () => Promise<ReadonlyMap<number, bigint> | null>;
  /**
   * The group has this consumer as its only member, ever (a gateway's group of its own): the start
   * offsets are sought by the consumer itself when it joins, and committed then, instead of being
   * committed to the group first by kafkajs' admin.setOffsets, which joins and leaves the group once
   * more (about 5 s of every start). A group shared by instances keeps setOffsets: only the first
   * member may set where the group starts.
   */
  privateGroup?: boolean;
}

/**
 * Offsets are committed beside the fetch loop, at most one commit at a time and one per second:
 * kafkajs' autoCommit commits after every batch before it fetches again, so an event arriving
 * meanwhile waited for that round trip (20 ms median, 170 ms p99 on the loaded bench machine). What
 * is applied but not yet committed when a process dies or a partition moves is delivered again:
 * handlers are idempotent (at-least-once, as after any retry).
 */
export const COMMIT_INTERVAL_MS = 1_000;

/** Events a view never applied because the log had deleted them before it read them. */
export interface OffsetGap {
  partition: number;
  from: bigint;
  logStart: bigint;
}

export interface RefusedMessage {
  offset: string;
  error: string;
}

/**
 * kafkajs' retries capped at one second, and a restart after any crash: after a broker outage the
 * consumer is back within about a second of the broker, rather than after kafkajs' default backoff
 * (up to 30 s), and it never gives up for good.
 */
export const KAFKA_CONSUMER_RETRY: RetryOptions = { initialRetryTime: 100, maxRetryTime: 1_000, retries: 8, restartOnFailure: async () => true };

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** JSON + schema validation of one raw message; never throws. */
export function parseMessage<T>(schema: z.ZodType<T>, raw: Buffer | null): ParseResult<T> {
  if (raw === null || raw.length === 0) return { ok: false, error: 'empty message' };
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    return { ok: false, error: `invalid JSON: ${(err as Error).message}` };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    return { ok: false, error: `schema: ${issues.join('; ')}` };
  }
  return { ok: true, value: parsed.data };
}

/** Exponential backoff with full jitter, capped. */
export function backoffMs(attempt: number, initialMs: number, maxMs: number): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.min(attempt - 1, 20));
  return Math.max(initialMs, Math.floor(Math.random() * ceiling));
}

/**
 * A validated, batched Kafka consumer (kafkajs `eachBatch`):
 *  - unverified (`verify`), malformed or schema-invalid messages go to the dead-letter topic with the
 *    error and their original headers, and the partition moves on;
 *  - the handler gets the valid messages of a batch in order; when it throws (say the database is
 *    down) the same messages are retried with backoff, never skipped or reordered, and offsets are
 *    committed only after success;
 *  - it knows the topic's end offsets at start and reports when it has caught up with them;
 *  - it knows when it last heard from the broker (`lastFetchAt`: every fetch, empty or not), so a
 *    consumer stuck reconnecting is seen as stale even when no events are due;
 *  - it does not give up: kafkajs restarts it after any crash (KAFKA_CONSUMER_RETRY), and
 *    `startInBackground` keeps trying while the broker is down at start.
 */
export class BatchConsumer<T> extends EventEmitter {
  private readonly logger: Logger;
  private readonly consumer: Consumer;
  private readonly kafka: Kafka;
  private lastFetch = 0;
  private stopped = false;
  /** Next offset to process, per partition. */
  private readonly positions = new Map<number, bigint>();
  /** End offsets of the topic when we started: "caught up" means reaching them. */
  private readonly startEnds = new Map<number, bigint>();
  private caughtUp = false;
  private running = false;
  private readonly offsetGaps: OffsetGap[] = [];
  /** The partitions' high watermarks as the last fetched batch of each reported them. */
  private readonly highWatermarks = new Map<number, bigint>();
  private lastError: string | null = null;
  /** Private groups: where each partition starts, sought and committed when the consumer joins. */
  private readonly seekTo = new Map<number, bigint>();
  /** The background commit: the pending timer, the commit in flight, and how to commit (kafkajs' own, for the current assignment). */
  private commitTimer: NodeJS.Timeout | null = null;
  private committing: Promise<void> = Promise.resolve();
  private commitResolved: (() => Promise<void>) | null = null;
  deadLettered = 0;
  processed = 0;

  constructor(private readonly options: BatchConsumerOptions<T>) {
    super();
    this.logger = new Logger(`BatchConsumer:${options.topic}`);
    this.kafka = new Kafka({
      ...kafkaClientSettings(options.brokers),
      clientId: options.clientId,
      logLevel: logLevel.WARN,
      logCreator: kafkaLogCreator,
    });
    this.consumer = this.kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      // A dead member (a SIGKILLed instance) holds its partitions this long before the group rebalances.
      sessionTimeout: 10_000,
      heartbeatInterval: 3_000,
      maxWaitTimeInMs: 100,
      retry: options.kafkaRetry ?? KAFKA_CONSUMER_RETRY,
    });
    this.consumer.on(this.consumer.events.FETCH, () => {
      this.lastFetch = Date.now();
    });
    this.consumer.on(this.consumer.events.CRASH, (event) => {
      const { error, restart } = event.payload as { error: Error; restart: boolean };
      this.lastError = error.message;
      this.logger.error(`consumer crashed (${restart ? 'kafkajs restarts it' : 'not restarted'}): ${error.message}`);
      if (!restart) this.running = false;
    });
  }

  /** Partitions where the stored start offsets were older than the log's start (empty when none). */
  get gaps(): readonly OffsetGap[] {
    return this.offsetGaps;
  }

  /** When the consumer last completed a fetch from the broker (epoch ms; 0 before the first). */
  get lastFetchAt(): number {
    return this.lastFetch;
  }

  get isCaughtUp(): boolean {
    return this.caughtUp;
  }

  get isRunning(): boolean {
    return this.running;
  }

  get error(): string | null {
    return this.lastError;
  }

  /**
   * Starts consuming and resolves once subscribed and running (for tools and tests). Services use
   * startInBackground, so that they serve HTTP (and report not ready) while the group is joined.
   */
  async start(): Promise<void> {
    // A fresh cluster answers "not the coordinator" until __consumer_offsets is ready: retry.
    await retrying(() => this.readStartOffsets(), 40, 500);
    this.updateCaughtUp();
    // stop() may come while this start is still on its way: no connection is made (or kept) after it.
    if (this.stopped) return;
    await this.consumer.connect();
    if (this.stopped) {
      await this.consumer.disconnect().catch(() => undefined);
      return;
    }
    await this.consumer.subscribe({ topic: this.options.topic, fromBeginning: this.options.fromBeginning });
    const running = this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 1,
      eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, uncommittedOffsets, isRunning, isStale }) => {
        this.highWatermarks.set(batch.partition, BigInt(batch.highWatermark));
        await this.processBatch(batch.partition, batch.messages, { resolveOffset, heartbeat, commit: () => commitOffsetsIfNecessary(uncommittedOffsets()), isRunning, isStale });
      },
    });
    // As kafkajs' own setOffsets does: a seek made right after run() is applied before the first
    // fetch. Committed once joined, so a restart of the consumer (after a crash) starts there too.
    if (this.seekTo.size > 0) {
      const partitions = [...this.seekTo].map(([partition, offset]) => ({ topic: this.options.topic, partition, offset: String(offset) }));
      for (const seek of partitions) this.consumer.seek(seek);
      const off = this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
        off();
        this.seekTo.clear();
        this.consumer.commitOffsets(partitions).catch((err: Error) => this.logger.warn(`start offsets not committed: ${err.message}`));
      });
    }
    await running;
    if (this.stopped) {
      await this.consumer.disconnect().catch(() => undefined);
      return;
    }
    this.running = true;
  }

  /**
   * start() without waiting, retried with backoff (a broker down at start, a group join that waits
   * out a dead member's session) until it succeeds or stop() is called; failures show in `error`.
   */
  startInBackground(): void {
    void (async () => {
      for (let attempt = 1; !this.stopped; attempt++) {
        try {
          await this.start();
          return;
        } catch (err) {
          this.lastError = (err as Error).message;
          const wait = backoffMs(attempt, 500, 5_000);
          this.logger.warn(`consumer start failed (attempt ${attempt}), retrying in ${wait} ms: ${this.lastError}`);
          await this.consumer.disconnect().catch(() => undefined);
          await sleep(wait);
        }
      }
    })();
  }

  /** Where consumption starts and where the topic ended at start, per partition. */
  private async readStartOffsets(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const ends = await admin.fetchTopicOffsets(this.options.topic);
      const stored = this.options.startOffsets ? await this.options.startOffsets() : null;
      let committedBy: Map<number, bigint>;
      if (stored && this.options.privateGroup) {
        committedBy = this.startOffsetsIn(ends, stored);
        for (const [partition, offset] of committedBy) this.seekTo.set(partition, offset);
      } else {
        if (stored) await this.startGroupAt(admin, ends, stored);
        const [committed] = await admin.fetchOffsets({ groupId: this.options.groupId, topics: [this.options.topic] });
        committedBy = new Map((committed?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
      }
      for (const p of ends) {
        const high = BigInt(p.high);
        this.startEnds.set(p.partition, high);
        const done = committedBy.get(p.partition) ?? -1n;
        // Where consumption will start: the group's committed offset, else the end (latest) or the
        // start (earliest, and an empty partition has nothing to catch up with).
        if (done >= 0n) this.positions.set(p.partition, done);
        else if (!this.options.fromBeginning || p.high === p.low) this.positions.set(p.partition, high);
      }
    } finally {
      await admin.disconnect();
    }
  }

  /**
   * Sets the group's offsets to the stored ones (clamped into the log; a stored offset before the
   * log's start is a gap), while the group has no member: with members, the live offsets stand.
   */
  private async startGroupAt(
    admin: ReturnType<Kafka['admin']>,
    ends: { partition: number; low: string; high: string }[],
    stored: ReadonlyMap<number, bigint>,
  ): Promise<void> {
    const { groups } = await admin.describeGroups([this.options.groupId]);
    if (groups[0] && groups[0].members.length > 0) return;
    const partitions = [...this.startOffsetsIn(ends, stored)].map(([partition, offset]) => ({ partition, offset: String(offset) }));
    await admin.setOffsets({ groupId: this.options.groupId, topic: this.options.topic, partitions });
  }

  /** The stored offsets clamped into the log, per partition; one before the log's start is a gap (recorded, logged). */
  private startOffsetsIn(ends: { partition: number; low: string; high: string }[], stored: ReadonlyMap<number, bigint>): Map<number, bigint> {
    this.offsetGaps.length = 0;
    const out = new Map<number, bigint>();
    for (const p of ends) {
      const low = BigInt(p.low);
      const high = BigInt(p.high);
      const at = stored.get(p.partition) ?? 0n;
      if (at < low) {
        this.offsetGaps.push({ partition: p.partition, from: at, logStart: low });
        this.logger.error(`${this.options.topic}[${p.partition}]: events ${at}..${low - 1n} were deleted before this view applied them; rebuild it from the source of truth`);
      }
      out.set(p.partition, at < low ? low : at > high ? high : at);
    }
    return out;
  }

  private async processBatch(
    partition: number,
    messages: KafkaMessage[],
    ctl: {
      resolveOffset: (offset: string) => void;
      heartbeat: () => Promise<void>;
      /** Commits the offsets resolved so far for the member's current assignment. */
      commit: () => Promise<void>;
      isRunning: () => boolean;
      isStale: () => boolean;
    },
  ): Promise<void> {
    const max = this.options.maxBatchSize ?? 500;
    for (let start = 0; start < messages.length; start += max) {
      const chunk = messages.slice(start, start + max);
      const valid: ConsumedMessage<T>[] = [];
      const invalid: { message: KafkaMessage; error: string }[] = [];
      for (const message of chunk) {
        const unverified = this.options.verify?.(message.value, message.headers) ?? null;
        if (unverified !== null) {
          invalid.push({ message, error: unverified });
          continue;
        }
        const parsed = parseMessage(this.options.schema, message.value);
        const rejected = parsed.ok && this.options.check ? this.options.check(parsed.value) : null;
        if (rejected !== null) invalid.push({ message, error: rejected });
        else if (parsed.ok) valid.push({ value: parsed.value, partition, offset: message.offset, key: message.key?.toString() ?? null });
        else invalid.push({ message, error: parsed.error });
      }

      const done = await this.withRetry(ctl, async () => {
        if (invalid.length > 0) await this.deadLetter(partition, invalid);
        invalid.length = 0; // dead-lettered once even if the handler below needs retries
        const refused = valid.length > 0 ? await this.options.handle(valid) : undefined;
        if (refused && refused.length > 0) {
          const byOffset = new Map(chunk.map((m) => [m.offset, m]));
          const messages = refused.flatMap((r) => { const message = byOffset.get(r.offset); return message ? [{ message, error: r.error }] : []; });
          await this.deadLetter(partition, messages);
        }
      });
      if (!done) return; // stopping or rebalanced: not resolved, so redelivered to whoever owns it next

      const last = chunk[chunk.length - 1].offset;
      ctl.resolveOffset(last);
      this.positions.set(partition, BigInt(last) + 1n);
      this.processed += valid.length;
      this.commitSoon(ctl.commit);
      this.updateCaughtUp();
      this.emit('applied', partition);
    }
    await ctl.heartbeat().catch(() => undefined);
  }

  /**
   * Commits the resolved offsets COMMIT_INTERVAL_MS after the first batch applied since the last
   * commit, without holding up the next fetch (kafkajs fetches on a connection of its own).
   * `commit` reads kafkajs' resolved offsets when it runs, for the member's assignment then: a
   * partition that moved meanwhile is not committed by this member.
   */
  private commitSoon(commit: () => Promise<void>): void {
    this.commitResolved = commit;
    if (this.commitTimer !== null || this.stopped) return;
    this.commitTimer = setTimeout(() => {
      this.commitTimer = null;
      void this.commitNow();
    }, COMMIT_INTERVAL_MS).unref();
  }

  private commitNow(): Promise<void> {
    const commit = this.commitResolved;
    this.commitResolved = null;
    if (commit === null) return this.committing;
    this.committing = this.committing
      .then(commit)
      .catch((err: Error) => this.logger.warn(`offsets not committed (what follows the last commit is delivered again after a restart or rebalance): ${err.message}`));
    return this.committing;
  }

  private async withRetry(
    ctl: { heartbeat: () => Promise<void>; isRunning: () => boolean; isStale: () => boolean },
    work: () => Promise<void>,
  ): Promise<boolean> {
    const { initialMs, maxMs } = this.options.retry ?? { initialMs: 100, maxMs: 5_000 };
    for (let attempt = 1; ; attempt++) {
      if (!ctl.isRunning() || ctl.isStale()) return false;
      try {
        await work();
        this.lastError = null;
        return true;
      } catch (err) {
        this.lastError = (err as Error).message;
        const wait = backoffMs(attempt, initialMs, maxMs);
        this.logger.warn(`batch failed (attempt ${attempt}), retrying in ${wait} ms: ${this.lastError}`);
        await sleep(wait);
        try {
          await ctl.heartbeat();
        } catch {
          return false; // rebalance in progress: give the partition up without resolving
        }
      }
    }
  }

  private async deadLetter(partition: number, invalid: { message: KafkaMessage; error: string }[]): Promise<void> {
    if (this.options.deadLetterTopic !== null) await this.options.publisher.publish(
      this.options.deadLetterTopic,
      invalid.map(({ message, error }) => ({
        key: message.key?.toString() ?? '',
        value: message.value ?? Buffer.alloc(0),
        headers: {
          ...(message.headers as IHeaders),
          [DEAD_LETTER_HEADERS.error]: error.slice(0, 1000),
          [DEAD_LETTER_HEADERS.sourceTopic]: this.options.topic,
          [DEAD_LETTER_HEADERS.sourcePartition]: String(partition),
          [DEAD_LETTER_HEADERS.sourceOffset]: message.offset,
          [DEAD_LETTER_HEADERS.consumerGroup]: this.options.groupId,
        },
      })),
    );
    this.deadLettered += invalid.length;
    for (const { message, error } of invalid) {
      this.logger.warn(`dead-lettered ${this.options.topic}[${partition}]@${message.offset}: ${error}`);
    }
  }

  private updateCaughtUp(): void {
    if (this.caughtUp) return;
    for (const [partition, end] of this.startEnds) {
      if ((this.positions.get(partition) ?? -1n) < end) return;
    }
    this.caughtUp = true;
    this.logger.log(`caught up with ${this.options.topic}`);
    this.emit('caughtUp');
  }

  /** Next offset to read per partition (what a view built from the handled messages reflects). */
  get positionsByPartition(): ReadonlyMap<number, bigint> {
    return this.positions;
  }

  /** Per partition: messages between our position and the partition's end as last fetched. */
  lagByPartition(): Map<number, number> {
    const lag = new Map<number, number>();
    for (const [partition, end] of this.highWatermarks) {
      const pos = this.positions.get(partition) ?? 0n;
      lag.set(partition, Number(end > pos ? end - pos : 0n));
    }
    return lag;
  }

  /** Messages between our position and the end offsets seen at start (0 once caught up). */
  startLag(): number {
    let lag = 0n;
    for (const [partition, end] of this.startEnds) {
      const pos = this.positions.get(partition) ?? 0n;
      if (pos < end) lag += end - pos;
    }
    return Number(lag);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.running = false;
    if (this.commitTimer !== null) clearTimeout(this.commitTimer);
    this.commitTimer = null;
    // What is applied is committed before leaving (bounded: a broker that does not answer must not hold the shutdown).
    await within(this.commitNow(), 2_000);
    await this.consumer.disconnect().catch(() => undefined);
  }
}

async function retrying<T>(work: () => Promise<T>, attempts: number, delayMs: number): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (attempt >= attempts) throw err;
      await sleep(delayMs);
    }
  }
}

/** Waits for `work`, or `ms` at most (without keeping a timer behind). */
async function within(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
