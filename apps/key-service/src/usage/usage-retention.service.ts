import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { KeyServiceEnv } from '../config/env.schema';
import { AuditLogRepository } from './audit-log.repository';

const DAY_MS = 24 * 60 * 60 * 1000;
/** How often the prune runs: entries outlive their retention by at most this much. */
export const PRUNE_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Keeps the usage log and the audit log to USAGE_RETENTION_DAYS: TTL indexes (MongoDB expires
 * entries by itself) and, because an engine may accept a TTL index without enforcing it, a prune
 * at start and every hour that deletes by date. Neither blocks the start; a failed prune only
 * logs and runs again at the next interval.
 */
@Injectable()
export class UsageRetention implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(UsageRetention.name);
  private readonly retentionMs: number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly audit: AuditLogRepository,
    config: ConfigService<KeyServiceEnv, true>,
  ) {
    this.retentionMs = config.get('USAGE_RETENTION_DAYS', { infer: true }) * DAY_MS;
  }

  onApplicationBootstrap(): void {
    this.running = this.audit
      .ensureRetentionIndexes(this.retentionMs / 1000)
      .catch((err: Error) => this.logger.warn(`TTL indexes not set, the prune still bounds the logs: ${err.message}`))
      .then(() => this.runPrune());
    this.timer = setInterval(() => {
      this.running = this.running.then(() => this.runPrune());
    }, PRUNE_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Deletes the entries older than the retention, as of `now`. */
  prune(now = new Date()): Promise<{ usage: number; audit: number }> {
    return this.audit.pruneBefore(new Date(now.getTime() - this.retentionMs));
  }

  private async runPrune(): Promise<void> {
    try {
      const removed = await this.prune();
      if (removed.usage + removed.audit > 0) this.logger.log(`pruned ${removed.usage} usage and ${removed.audit} audit entries`);
    } catch (err) {
      this.logger.warn(`prune failed, will retry in an hour: ${(err as Error).message}`);
    }
  }
}
