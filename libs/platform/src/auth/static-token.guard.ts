import { CanActivate, ExecutionContext, HttpException, Inject, Injectable, mixin, Type, UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createHash, timingSafeEqual } from 'node:crypto';
import { FailureLimiter, maxTokenFailuresPerMinute } from './failure-limiter';

export { FailureLimiter, maxTokenFailuresPerMinute } from './failure-limiter';
import { readPresentedCredential } from './presented-credential';

export interface StaticTokenGuardOptions {
  /** The config key holding the token (ADMIN_TOKEN, INTERNAL_TOKEN). */
  configKey: string;
  /** The `message` of the 401 body `{error: 'unauthorized', message}`. */
  message: string;
  /** Copied onto `request.user` when the token matches: the principal the handlers see. */
  principal?: Record<string, unknown>;
}

/**
 * A guard for a static token from config, presented as `Authorization: Bearer <token>` and read by
 * readPresentedCredential (no bare form: these are not API keys). Compared in constant time over
 * SHA-256 digests, so neither content nor length leaks. Anything else is 401, fail closed. A client
 * address with too many failures in a minute (STATIC_TOKEN_MAX_FAILURES_PER_MINUTE) gets 429 with
 * Retry-After until the minute is over, whatever it presents: guessing the token is not a game of
 * thousands of tries.
 */
export function StaticTokenGuard(options: StaticTokenGuardOptions): Type<CanActivate> {
  @Injectable()
  class StaticTokenGuardMixin implements CanActivate {
    private readonly expected: Buffer;
    private readonly failures: FailureLimiter;

    constructor(@Inject(ConfigService) config: ConfigService) {
      const token = config.get<string>(options.configKey);
      // Fail closed at start rather than accept an empty token.
      if (typeof token !== 'string' || token.length === 0) throw new Error(`${options.configKey} is not set`);
      this.expected = digest(token);
      this.failures = limiterFor(options.configKey, maxTokenFailuresPerMinute(config.get('STATIC_TOKEN_MAX_FAILURES_PER_MINUTE')));
    }

    canActivate(ctx: ExecutionContext): boolean {
      const req = ctx.switchToHttp().getRequest<{
        headers: Record<string, string | string[] | undefined>;
        user?: unknown;
        ip?: string;
        socket?: { remoteAddress?: string };
      }>();
      const address = req.ip ?? req.socket?.remoteAddress;
      const wait = address === undefined ? 0 : this.failures.blockedFor(address);
      if (wait > 0) {
        ctx.switchToHttp().getResponse<{ setHeader?: (name: string, value: string) => void }>().setHeader?.('Retry-After', String(wait));
        throw tooManyFailures(wait);
      }
      if (matchesToken(req.headers.authorization, this.expected)) {
        if (options.principal) req.user = { ...options.principal };
        return true;
      }
      if (address !== undefined) this.failures.failed(address);
      throw new UnauthorizedException({ error: 'unauthorized', message: options.message });
    }
  }
  return mixin(StaticTokenGuardMixin);
}

/** Whether an Authorization header carries exactly the token whose SHA-256 is `expected` (constant time). */
export function matchesToken(authorization: string | string[] | undefined, expected: Buffer): boolean {
  const credential = readPresentedCredential(typeof authorization === 'string' ? authorization : undefined, undefined);
  return credential.kind === 'token' && timingSafeEqual(digest(credential.token), expected);
}

/** Whether a token presented some other way (a message payload) is exactly the expected one (constant time). */
export function sameToken(presented: unknown, expected: Buffer): boolean {
  return typeof presented === 'string' && presented.length > 0 && timingSafeEqual(digest(presented), expected);
}

/** 429 `{error: 'too_many_failed_authentications'}` (the guard sets Retry-After on the response). */
export function tooManyFailures(retryAfterSeconds: number): HttpException {
  return new HttpException({ error: 'too_many_failed_authentications', message: `too many failed authentications from this address; retry in ${retryAfterSeconds} s` }, 429);
}

// One limiter per token (admin, internal) per process, whichever guard instance sees the attempt.
const limiters = new Map<string, FailureLimiter>();
export function limiterFor(configKey: string, limit: number): FailureLimiter {
  let limiter = limiters.get(configKey);
  if (limiter === undefined || limiter.limit !== limit) {
    limiter = new FailureLimiter(limit);
    limiters.set(configKey, limiter);
  }
  return limiter;
}

export function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
