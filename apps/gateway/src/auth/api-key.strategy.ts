import { Injectable, OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import passport from 'passport';
import { Strategy } from 'passport-custom';
import { hashApiKey, parseApiKey, sameText } from '@sp/api-keys';
import type { KeyRecord } from '@sp/permissions';
import type { GatewayEnv } from '../config/env.schema';
import { AccessViewService } from '../view/access-view.service';
import type { AuthAttempt } from './auth-attempt';
import type { RequestHeaders } from './request-headers';
import { extractApiKey } from './extract-api-key';

export const API_KEY_STRATEGY = 'api-key';

/** The request headers a key may be presented in. */
type KeyHeaders = Pick<RequestHeaders, 'authorization' | 'apiKey'>;

/** The key headers of the last request on one connection that presented a well-formed key, and the key's HMAC. */
interface ConnectionMemo {
  authorization: string | undefined;
  apiKey: string | undefined;
  hash: string;
}

/**
 * Passport strategy for API keys: header extraction, format + CRC32 checksum check (junk never
 * reaches a lookup), HMAC-SHA256 with the pepper, lookup in the in-process view. No I/O, and
 * synchronous, so passport decides within the call. Whether the key may be used (revoked, expired,
 * member removed, IP) is the permission engine's call, made right after with the request's facts.
 *
 * Keep-alive clients send the same key on every request of a connection. So the strategy remembers,
 * per open connection, the key headers (Authorization, X-API-Key) of the last request that presented
 * a well-formed key, and that key's HMAC. A later request on that connection whose key headers are
 * the same text (compared in constant time, `sameText`) is recognised by `recall`, without passport,
 * extraction, checksum or HMAC again: passport authenticates a connection's key once, much as its
 * session support restores a logged-in user. The memo only maps key headers to a hash, which never
 * changes; the key record itself is read from the view on every request, so a revocation applies to
 * the next request as before. It lives in a WeakMap on the socket and goes with the connection; it
 * is never written, logged or returned.
 */
@Injectable()
export class ApiKeyStrategy implements OnModuleInit {
  private readonly pepper: string;
  private readonly memo = new WeakMap<object, ConnectionMemo>();
  /**
   * The passport strategy itself, also registered under API_KEY_STRATEGY. The gateway hands this
   * instance to passport.authenticate, which then uses it as is instead of looking it up by name
   * and deriving a fresh object from it on every request.
   */
  readonly passportStrategy = new Strategy((req, done) => done(null, this.lookup(req as unknown as AuthAttempt) ?? false));

  constructor(config: ConfigService<GatewayEnv, true>, private readonly views: AccessViewService) {
    this.pepper = config.get('API_KEY_PEPPER', { infer: true });
  }

  onModuleInit(): void {
    passport.use(API_KEY_STRATEGY, this.passportStrategy);
  }

  /**
   * The key behind key headers this connection presented before (read from the view now: null if
   * it is no longer there), or undefined when they are new to the connection and passport must
   * authenticate them.
   */
  recall(headers: KeyHeaders, connection: object | null): KeyRecord | null | undefined {
    const memo = connection === null ? undefined : this.memo.get(connection);
    if (memo === undefined || !sameHeader(memo.authorization, headers.authorization) || !sameHeader(memo.apiKey, headers.apiKey)) return undefined;
    return this.views.view.keyByHash(memo.hash) ?? null;
  }

  /**
   * What passport's verify callback runs: the presented key's record, or null for a missing,
   * ambiguous, malformed (format or checksum) or unknown key. A well-formed key's headers and hash
   * are remembered on the connection for `recall`.
   */
  lookup(attempt: Pick<AuthAttempt, 'headers' | 'connection'>): KeyRecord | null {
    const { authorization, apiKey } = attempt.headers;
    const presented = extractApiKey(authorization, apiKey);
    if (presented === null || parseApiKey(presented) === null) return null;
    const hash = hashApiKey(presented, this.pepper);
    if (attempt.connection !== null) this.memo.set(attempt.connection, { authorization, apiKey, hash });
    return this.views.view.keyByHash(hash) ?? null;
  }
}

/** Both absent, or the same text (constant time). */
function sameHeader(known: string | undefined, presented: string | undefined): boolean {
  if (known === undefined || presented === undefined) return known === presented;
  return sameText(known, presented);
}
