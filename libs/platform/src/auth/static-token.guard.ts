import { CanActivate, ExecutionContext, Inject, Injectable, mixin, Type, UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createHash, timingSafeEqual } from 'node:crypto';
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
 * SHA-256 digests, so neither content nor length leaks. Anything else is 401, fail closed.
 */
export function StaticTokenGuard(options: StaticTokenGuardOptions): Type<CanActivate> {
  @Injectable()
  class StaticTokenGuardMixin implements CanActivate {
    private readonly expected: Buffer;

    constructor(@Inject(ConfigService) config: ConfigService) {
      const token = config.get<string>(options.configKey);
      // Fail closed at start rather than accept an empty token.
      if (typeof token !== 'string' || token.length === 0) throw new Error(`${options.configKey} is not set`);
      this.expected = digest(token);
    }

    canActivate(ctx: ExecutionContext): boolean {
      const req = ctx.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined>; user?: unknown }>();
      const authorization = req.headers.authorization;
      const credential = readPresentedCredential(typeof authorization === 'string' ? authorization : undefined, undefined);
      if (credential.kind === 'token' && timingSafeEqual(digest(credential.token), this.expected)) {
        if (options.principal) req.user = { ...options.principal };
        return true;
      }
      throw new UnauthorizedException({ error: 'unauthorized', message: options.message });
    }
  }
  return mixin(StaticTokenGuardMixin);
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
