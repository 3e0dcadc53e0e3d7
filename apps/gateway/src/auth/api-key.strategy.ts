import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-custom';
import { hashApiKey, parseApiKey } from '@sp/api-keys';
import type { KeyRecord } from '@sp/permissions';
import type { GatewayEnv } from '../config/env.schema';
import { AccessViewService } from '../view/access-view.service';
import { extractApiKey } from './extract-api-key';

export const API_KEY_STRATEGY = 'api-key';

/**
 * Passport strategy for API keys: header extraction, format + CRC32 checksum check (junk never
 * reaches a lookup), HMAC-SHA256 with the pepper, lookup in the in-process view. No I/O.
 * Whether the key may be used (revoked, expired, member removed, IP) is the permission engine's
 * call, made right after with the request's facts.
 */
@Injectable()
export class ApiKeyStrategy extends PassportStrategy(Strategy, API_KEY_STRATEGY) {
  private readonly pepper: string;

  constructor(config: ConfigService<GatewayEnv, true>, private readonly views: AccessViewService) {
    super();
    this.pepper = config.get('API_KEY_PEPPER', { infer: true });
  }

  validate(req: Request): KeyRecord | null {
    const presented = extractApiKey(req.headers);
    if (presented === null || parseApiKey(presented) === null) return null;
    return this.views.view.keyByHash(hashApiKey(presented, this.pepper)) ?? null;
  }
}
