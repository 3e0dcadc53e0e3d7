import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { randomUUID, type KeyObject } from 'node:crypto';
import { hashApiKey, pepperKey, parseApiKey } from '@sp/api-keys';
import { KEY_USED, TOPICS, type KeyUsedEvent } from '@sp/contracts';
import { evaluateAccess } from '@sp/permissions';
import { KafkaPublisher } from '@sp/platform';
import type { PermissionsEnv } from '../config/env.schema';
import { ViewRepository } from '../view/view.repository';
import type { AuthorizeRequest, AuthorizeResponse } from './authorize.request.dto';

/** Which entry point asked: recorded as the usage's method and route. */
export type AuthorizeTransport = 'http' | 'tcp';

const ROUTES: Record<AuthorizeTransport, { method: string; route: string }> = {
  http: { method: 'POST', route: '/internal/v1/authorize' },
  tcp: { method: 'MSG', route: 'authorize' },
};

/**
 * Authorization for other services, with the same engine as the gateway over the MongoDB view.
 * Every decision on a known key is recorded as key usage (KeyUsed on key-usage.v1, like the
 * gateway's) with its real reason; the answer to the caller is uniform for every denial.
 */
@Injectable()
export class AuthorizeService {
  private readonly logger = new Logger(AuthorizeService.name);
  private readonly pepper: KeyObject;

  constructor(
    private readonly repo: ViewRepository,
    private readonly publisher: KafkaPublisher,
    config: ConfigService<PermissionsEnv, true>,
  ) {
    this.pepper = pepperKey(config.get('API_KEY_PEPPER', { infer: true }));
  }

  async authorize(req: AuthorizeRequest, transport: AuthorizeTransport = 'http', clientIp: string | null = null): Promise<AuthorizeResponse> {
    const denied: AuthorizeResponse = { allowed: false, reason: 'denied', required: req.permission, principal: null };
    if (parseApiKey(req.apiKey) === null) return denied;
    const key = await this.repo.keyByHash(hashApiKey(req.apiKey, this.pepper));
    if (key === null || key.type === null) return denied;
    const [member, page] = await Promise.all([
      key.type === 'user' && key.userId ? this.repo.member(key.orgId, key.userId) : Promise.resolve(null),
      req.statusPageId ? this.repo.page(req.statusPageId) : Promise.resolve(null),
    ]);
    const decision = evaluateAccess(
      { key, member, page, now: Date.now(), clientIp },
      { permission: req.permission, orgId: req.orgId ?? key.orgId, statusPageId: req.statusPageId ?? null },
    );
    this.recordUsage({
      orgId: key.orgId,
      keyId: key.keyId,
      decision: decision.allowed ? 'allow' : 'deny',
      reason: decision.reason,
      permission: req.permission,
      ...ROUTES[transport],
      status: 200,
      clientIp,
    });
    if (!decision.allowed) return denied;
    return {
      allowed: true,
      reason: 'allowed',
      principal: { orgId: key.orgId, keyId: key.keyId, type: key.type, ...(key.userId ? { userId: key.userId } : {}), permissions: key.permissions ?? null },
    };
  }

  /** Off the answer's path: a failed publish is logged, never turned into a failed check. */
  private recordUsage(usage: Omit<KeyUsedEvent, 'id' | 'type' | 'schemaVersion' | 'occurredAt' | 'firstOccurredAt' | 'count'>): void {
    const event: KeyUsedEvent = { id: randomUUID(), type: KEY_USED, schemaVersion: 1, occurredAt: new Date().toISOString(), count: 1, ...usage };
    this.publisher.publish(TOPICS.keyUsage, [{ key: event.keyId, value: event }]).catch((err: Error) => {
      this.logger.warn(`publishing a key-usage event failed: ${err.message}`);
    });
  }
}
