import { Injectable, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import passport from 'passport';
import { Strategy } from 'passport-custom';
import { hashApiKey, parseApiKey, sameKeyText } from '@sp/api-keys';
import type { KeyRecord } from '@sp/permissions';
import type { GatewayEnv } from '../config/env.schema';
import { AccessViewService } from '../view/access-view.service';
import type { AuthAttempt } from './auth-attempt';
import { extractApiKey } from './extract-api-key';

export const API_KEY_STRATEGY = 'api-key';

/** The last well-formed key presented on one connection, and its HMAC. */
interface ConnectionMemo {
  presented: string;
  hash: string;
}

/**
 * Passport strategy for API keys: header extraction, format + CRC32 checksum check (junk never
 * reaches a lookup), HMAC-SHA256 with the pepper, lookup in the in-process view. No I/O, and
 * synchronous, so passport decides within the call. Whether the key may be used (revoked, expired,
 * member removed, IP) is the permission engine's call, made right after with the request's facts.
 *
 * Keep-alive clients send the same key on every request of a connection, so the strategy remembers,
 * per open connection, the last well-formed key and its HMAC: a request that presents the same bytes
 * (compared in constant time, `sameKeyText`) reuses the hash instead of recomputing it. The memo only maps a key to
 * its hash, which never changes; the key record itself is read from the view on every request, so a
 * revocation applies to the next request as before. It lives in a WeakMap on the socket and goes
 * with the connection; it is never written, logged or returned.
 */
@Injectable()
export class ApiKeyStrategy implements OnModuleInit {
  private readonly pepper: string;
  private readonly memo = new WeakMap<object, ConnectionMemo>();

  constructor(config: ConfigService<GatewayEnv, true>, private readonly views: AccessViewService) {
    this.pepper = config.get('API_KEY_PEPPER', { infer: true });
  }

  onModuleInit(): void {
    passport.use(API_KEY_STRATEGY, new Strategy((req, done) => done(null, this.lookup(req as unknown as AuthAttempt) ?? false)));
  }

  lookup(attempt: Pick<AuthAttempt, 'headers' | 'connection'>): KeyRecord | null {
    const presented = extractApiKey(attempt.headers);
    if (presented === null) return null;
    const hash = this.hashOf(presented, attempt.connection);
    return hash === null ? null : (this.views.view.keyByHash(hash) ?? null);
  }

  /** The key's HMAC, or null when it is not a well-formed key (bad format or checksum). */
  private hashOf(presented: string, connection: object | null): string | null {
    const memo = connection === null ? undefined : this.memo.get(connection);
    if (memo !== undefined && sameKeyText(memo.presented, presented)) return memo.hash;
    if (parseApiKey(presented) === null) return null;
    const hash = hashApiKey(presented, this.pepper);
    if (connection !== null) this.memo.set(connection, { presented, hash });
    return hash;
  }
}
