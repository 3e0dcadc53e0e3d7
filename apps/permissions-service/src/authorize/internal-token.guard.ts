import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Request } from 'express';
import { secretsEqual } from '@sp/api-keys';
import type { PermissionsEnv } from '../config/env.schema';

/** `Authorization: Bearer <INTERNAL_TOKEN>`, compared in constant time. */
@Injectable()
export class InternalTokenGuard implements CanActivate {
  private readonly token: string;

  constructor(config: ConfigService<PermissionsEnv, true>) {
    this.token = config.get('INTERNAL_TOKEN', { infer: true });
  }

  canActivate(ctx: ExecutionContext): boolean {
    const header = ctx.switchToHttp().getRequest<Request>().headers.authorization;
    const presented = typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    if (presented.length > 0 && secretsEqual(presented, this.token)) return true;
    throw new UnauthorizedException({ error: 'unauthorized', message: 'a valid internal bearer token is required' });
  }
}
