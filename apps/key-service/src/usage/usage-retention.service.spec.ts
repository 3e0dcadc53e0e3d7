import { ConfigService } from '@nestjs/config';
import type { AuditLogRepository } from './audit-log.repository';
import { UsageRetention } from './usage-retention.service';

describe('UsageRetention', () => {
  const repo = () => ({
    pruneBefore: jest.fn(async () => ({ usage: 0, audit: 0 })),
    ensureRetentionIndexes: jest.fn(async () => undefined),
  });

  it('prunes what occurred more than USAGE_RETENTION_DAYS before now', async () => {
    const audit = repo();
    const retention = new UsageRetention(audit as unknown as AuditLogRepository, new ConfigService({ USAGE_RETENTION_DAYS: 30 }));
    await retention.prune(new Date('2026-03-31T12:00:00.000Z'));
    expect(audit.pruneBefore).toHaveBeenCalledWith(new Date('2026-03-01T12:00:00.000Z'));
  });

  it('sets TTL indexes of the same retention and prunes once at start, and still prunes when the indexes fail', async () => {
    const audit = repo();
    audit.ensureRetentionIndexes.mockRejectedValueOnce(new Error('no TTL here'));
    const retention = new UsageRetention(audit as unknown as AuditLogRepository, new ConfigService({ USAGE_RETENTION_DAYS: 2 }));
    retention.onApplicationBootstrap();
    await retention.onApplicationShutdown();
    expect(audit.ensureRetentionIndexes).toHaveBeenCalledWith(2 * 24 * 60 * 60);
    expect(audit.pruneBefore).toHaveBeenCalledTimes(1);
  });
});
