import { createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { Actor } from '@sp/contracts';
import { ADMIN_TOKEN_STRATEGY } from './admin-token.strategy';

@Injectable()
export class AdminGuard extends AuthGuard(ADMIN_TOKEN_STRATEGY) {}

/** The authenticated admin actor, recorded on every event the request causes. */
export const CurrentActor = createParamDecorator((_data: unknown, ctx: ExecutionContext): Actor => {
  return ctx.switchToHttp().getRequest<{ user: Actor }>().user;
});
