import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { AnyBulkWriteOperation, Model } from 'mongoose';
import type { AccessEvent, KeyUsedEvent } from '@sp/contracts';
import { ApiKey } from '../api-keys/api-key.schema';
import { AuditEvent, KeyUsage } from './audit.schemas';

/** Audit storage: lifecycle events, usage events and the coalesced `lastUsedAt` of keys. All writes idempotent. */
@Injectable()
export class AuditLogRepository {
  constructor(
    @InjectModel(AuditEvent.name) private readonly lifecycle: Model<AuditEvent>,
    @InjectModel(KeyUsage.name) private readonly usage: Model<KeyUsage>,
    @InjectModel(ApiKey.name) private readonly keys: Model<ApiKey>,
  ) {}

  async recordLifecycle(events: AccessEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.lifecycle.bulkWrite(
      events.map((e) => ({
        replaceOne: {
          filter: { _id: e.id },
          replacement: {
            _id: e.id,
            orgId: e.orgId,
            type: e.type,
            aggregateId: e.aggregateId,
            aggregateVersion: e.aggregateVersion,
            actor: e.actor ?? null,
            occurredAt: new Date(e.occurredAt),
            details: withoutSecrets(e.payload),
          },
          upsert: true,
        },
      })),
      { ordered: false },
    );
  }

  /**
   * Stores a batch of usage events and moves each key's `lastUsedAt` forward with ONE write per key
   * per batch ($max: order-independent and idempotent), however many requests the batch holds.
   */
  async recordUsage(events: KeyUsedEvent[]): Promise<void> {
    if (events.length === 0) return;
    const latest = new Map<string, Date>();
    for (const e of events) {
      const at = new Date(e.occurredAt);
      const seen = latest.get(e.keyId);
      if (!seen || seen < at) latest.set(e.keyId, at);
    }
    const ops: AnyBulkWriteOperation<ApiKey>[] = [...latest].map(([keyId, at]) => ({
      updateOne: { filter: { _id: keyId }, update: { $max: { lastUsedAt: at } } },
    }));
    // Both at once: neither depends on the other, and a failed batch is retried whole.
    const stored = this.usage.bulkWrite(
      events.map((e) => ({
        replaceOne: {
          filter: { _id: e.id },
          replacement: {
            _id: e.id, orgId: e.orgId, keyId: e.keyId, occurredAt: new Date(e.occurredAt),
            firstOccurredAt: new Date(e.firstOccurredAt ?? e.occurredAt), count: e.count, decision: e.decision,
            reason: e.reason, permission: e.permission, method: e.method, route: e.route, status: e.status, clientIp: e.clientIp,
          },
          upsert: true,
        },
      })),
      { ordered: false },
    );
    await Promise.all([stored, this.keys.bulkWrite(ops, { ordered: false })]);
  }

  /**
   * TTL indexes on `occurredAt` for MongoDB to expire entries by itself. An engine may accept them
   * without enforcing them (mongo-java-server does), so `pruneBefore` runs as well, everywhere.
   */
  async ensureRetentionIndexes(expireAfterSeconds: number): Promise<void> {
    for (const collection of [this.lifecycle.collection, this.usage.collection]) {
      try {
        await collection.createIndex({ occurredAt: 1 }, { name: RETENTION_INDEX, expireAfterSeconds });
      } catch (err) {
        // The index exists with another retention (USAGE_RETENTION_DAYS changed): change it in place.
        const db = this.lifecycle.db.db;
        if (!db || ![85, 86].includes((err as { code?: number }).code ?? 0)) throw err;
        await db.command({ collMod: collection.collectionName, index: { name: RETENTION_INDEX, expireAfterSeconds } });
      }
    }
  }

  /** Deletes the usage and audit entries that occurred before `cutoff`; returns how many of each. */
  async pruneBefore(cutoff: Date): Promise<{ usage: number; audit: number }> {
    const [usage, audit] = await Promise.all([
      this.usage.deleteMany({ occurredAt: { $lt: cutoff } }).exec(),
      this.lifecycle.deleteMany({ occurredAt: { $lt: cutoff } }).exec(),
    ]);
    return { usage: usage.deletedCount, audit: audit.deletedCount };
  }

  async usageOfKey(keyId: string, limit: number) {
    const rows = await this.usage.find({ keyId }).sort({ occurredAt: -1 }).limit(limit).lean<KeyUsage[]>().exec();
    return rows.map(toUsageEntry);
  }

  async auditLog(orgId: string, limit: number) {
    const [changes, uses] = await Promise.all([
      this.lifecycle.find({ orgId }).sort({ occurredAt: -1 }).limit(limit).lean<AuditEvent[]>().exec(),
      this.usage.find({ orgId }).sort({ occurredAt: -1 }).limit(limit).lean<KeyUsage[]>().exec(),
    ]);
    const entries = [
      ...changes.map((c) => ({
        kind: 'change' as const,
        at: new Date(c.occurredAt).toISOString(),
        type: c.type,
        aggregateId: c.aggregateId,
        aggregateVersion: c.aggregateVersion,
        actor: c.actor,
        details: c.details,
      })),
      ...uses.map((u) => ({ kind: 'usage' as const, ...toUsageEntry(u) })),
    ];
    return entries.sort((a, b) => b.at.localeCompare(a.at)).slice(0, limit);
  }
}

const RETENTION_INDEX = 'occurredAt_retention';

function withoutSecrets(payload: object): Record<string, unknown> {
  const { keyHash: _keyHash, ...rest } = payload as Record<string, unknown>;
  return rest;
}

function toUsageEntry(u: KeyUsage) {
  return {
    at: new Date(u.occurredAt).toISOString(),
    firstAt: new Date(u.firstOccurredAt ?? u.occurredAt).toISOString(),
    count: u.count ?? 1,
    keyId: u.keyId,
    decision: u.decision,
    reason: u.reason,
    permission: u.permission,
    method: u.method,
    route: u.route,
    status: u.status,
    clientIp: u.clientIp,
  };
}
