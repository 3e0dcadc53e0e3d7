import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { hashApiKey, parseApiKey } from '@sp/api-keys';
import { evaluateAccess } from '@sp/permissions';
import type { PermissionsEnv } from '../config/env.schema';
import { ViewRepository } from '../view/view.repository';
import type { AuthorizeRequest, AuthorizeResponse } from './authorize.request.dto';

/** Authorization for other services, with the same engine as the gateway over the MongoDB view. */
@Injectable()
export class AuthorizeService {
  private readonly pepper: string;

  constructor(private readonly repo: ViewRepository, config: ConfigService<PermissionsEnv, true>) {
    this.pepper = config.get('API_KEY_PEPPER', { infer: true });
  }

  async authorize(req: AuthorizeRequest, clientIp: string | null = null): Promise<AuthorizeResponse> {
    if (parseApiKey(req.apiKey) === null) return { allowed: false, reason: 'invalid_api_key', principal: null };
    const key = await this.repo.keyByHash(hashApiKey(req.apiKey, this.pepper));
    if (key === null || key.type === null) return { allowed: false, reason: 'invalid_api_key', principal: null };
    const [member, page] = await Promise.all([
      key.type === 'user' && key.userId ? this.repo.member(key.orgId, key.userId) : Promise.resolve(null),
      req.statusPageId ? this.repo.page(req.statusPageId) : Promise.resolve(null),
    ]);
    const decision = evaluateAccess(
      { key, member, page, now: Date.now(), clientIp },
      { permission: req.permission, orgId: req.orgId ?? key.orgId, statusPageId: req.statusPageId ?? null },
    );
    return {
      allowed: decision.allowed,
      reason: decision.reason,
      principal: { orgId: key.orgId, keyId: key.keyId, type: key.type, ...(key.userId ? { userId: key.userId } : {}) },
    };
  }
}
