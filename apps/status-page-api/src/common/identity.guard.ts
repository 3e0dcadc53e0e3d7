import { CanActivate, createParamDecorator, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { idSchema, verifySignedIdentity, type SignedIdentity } from '@sp/contracts';
import type { Request } from 'express';
import type { Env } from '../config/env.schema';

/** Who the gateway says is calling. Only `orgId` is required; the rest is informational. */
export type RequestIdentity = SignedIdentity;

type RequestWithIdentity = Request & { identity?: RequestIdentity };

/**
 * The identity the gateway vouches for: its identity headers, signed with the secret both share
 * (GATEWAY_UPSTREAM_SECRET) over this method and path, recently. Being able to reach this service
 * is not enough to speak for an org. Null for anything else: absent, unsigned, badly signed,
 * expired, or an ill-formed org id.
 */
export function readIdentity(req: Pick<Request, 'headers' | 'method' | 'originalUrl'>, secret: string, now = Date.now()): RequestIdentity | null {
  const verdict = verifySignedIdentity(req.headers, req.method, req.originalUrl, secret, now);
  if (!verdict.ok || !idSchema.safeParse(verdict.identity.orgId).success) return null;
  return verdict.identity;
}

/** Refuses a request without an identity the gateway signed: 401 `{"error":"missing_identity"}`, one answer for every reason. */
@Injectable()
export class IdentityGuard implements CanActivate {
  private readonly secret: string;

  constructor(config: ConfigService<Env, true>) {
    this.secret = config.get('GATEWAY_UPSTREAM_SECRET', { infer: true });
  }

  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<RequestWithIdentity>();
    const identity = readIdentity(req, this.secret);
    if (!identity) throw new UnauthorizedException({ error: 'missing_identity' });
    req.identity = identity;
    return true;
  }
}

/** The caller's org id, set by IdentityGuard (use on controllers guarded by it). */
export const OrgId = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const identity = context.switchToHttp().getRequest<RequestWithIdentity>().identity;
  if (!identity) throw new UnauthorizedException({ error: 'missing_identity' });
  return identity.orgId;
});
