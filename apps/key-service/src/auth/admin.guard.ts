import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { StaticTokenGuard } from '@sp/platform';
import type { Actor } from '@sp/contracts';

const ADMIN_ACTOR: Actor = { type: 'admin', id: 'admin-token' };

/** `Authorization: Bearer <ADMIN_TOKEN>`; the request then acts as the admin actor. */
export const AdminGuard = StaticTokenGuard({ configKey: 'ADMIN_TOKEN', message: 'a valid admin bearer token is required', principal: ADMIN_ACTOR });

/** The authenticated admin actor, recorded on every event the request causes. */
export const CurrentActor = createParamDecorator((_data: unknown, ctx: ExecutionContext): Actor => {
  return ctx.switchToHttp().getRequest<{ user: Actor }>().user;
});
