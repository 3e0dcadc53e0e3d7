import { Injectable, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { IncomingMessage } from 'node:http';
import passport from 'passport';
import { Strategy } from 'passport-custom';
import { hashApiKey, parseApiKey } from '@sp/api-keys';
import type { KeyRecord } from '@sp/permissions';
import type { GatewayEnv } from '../config/env.schema';
import { AccessViewService } from '../view/access-view.service';
import { extractApiKey } from './extract-api-key';

export const API_KEY_STRATEGY = 'api-key';

/**
 * Passport strategy for API keys: header extraction, format + CRC32 checksum check (junk never
 * reaches a lookup), HMAC-SHA256 with the pepper, lookup in the in-process view. No I/O, and
 * synchronous, so passport decides within the call. Whether the key may be used (revoked, expired,
 * member removed, IP) is the permission engine's call, made right after with the request's facts.
 */
@Injectable()
export class ApiKeyStrategy implements OnModuleInit {
  private readonly pepper: string;

  constructor(config: ConfigService<GatewayEnv, true>, private readonly views: AccessViewService) {
    this.pepper = config.get('API_KEY_PEPPER', { infer: true });
  }

  onModuleInit(): void {
    passport.use(API_KEY_STRATEGY, new Strategy((req, done) => done(null, this.lookup(req) ?? false)));
  }

  lookup(req: IncomingMessage): KeyRecord | null {
    const presented = extractApiKey(req.headers);
    if (presented === null || parseApiKey(presented) === null) return null;
    return this.views.view.keyByHash(hashApiKey(presented, this.pepper)) ?? null;
  }
}
