import { CanActivate, createParamDecorator, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { IDENTITY_HEADERS, idSchema } from '@sp/contracts';
import type { Request } from 'express';

/** Who the gateway says is calling. Only `orgId` is required; the rest is informational. */
export interface RequestIdentity {
  orgId: string;
  keyId?: string;
  principal?: string;
  permission?: string;
}

type RequestWithIdentity = Request & { identity?: RequestIdentity };

/**
 * Reads the identity headers the gateway sets. Without a well-formed `x-sp-org-id` nothing is
 * scoped, so the request is refused: 401 `{"error":"missing_identity"}`.
 */
export function readIdentity(headers: Request['headers']): RequestIdentity | null {
  const orgId = single(headers[IDENTITY_HEADERS.orgId]);
  if (orgId === undefined || !idSchema.safeParse(orgId).success) return null;
  return {
    orgId,
    keyId: single(headers[IDENTITY_HEADERS.keyId]),
    principal: single(headers[IDENTITY_HEADERS.principal]),
    permission: single(headers[IDENTITY_HEADERS.permission]),
  };
}

function single(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

@Injectable()
export class IdentityGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<RequestWithIdentity>();
    const identity = readIdentity(req.headers);
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
