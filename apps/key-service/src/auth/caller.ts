import { applyDecorators, createParamDecorator, ExecutionContext, ForbiddenException } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { idSchema, type Actor, type Permission } from '@sp/contracts';
import { ApiErrorResponses, validationError } from '@sp/platform';

export const ACTING_USER_HEADER = 'x-acting-user';

/**
 * Who makes an admin call: the platform itself (the admin token alone: every right) or, with
 * `X-Acting-User`, a person of the org the call is about, decided with the permission engine.
 */
export interface Caller {
  actor: Actor;
  /** The acting user, or null for the platform. */
  actingUserId: string | null;
}

/** The caller of an admin call (after AdminGuard): an invalid X-Acting-User is a 400 naming the header. */
export const CurrentCaller = createParamDecorator((_data: unknown, ctx: ExecutionContext): Caller => {
  const req = ctx.switchToHttp().getRequest<{ user: Actor; headers: Record<string, string | string[] | undefined> }>();
  const header = req.headers[ACTING_USER_HEADER];
  if (header === undefined) return { actor: req.user, actingUserId: null };
  const parsed = idSchema.safeParse(header);
  if (!parsed.success) {
    throw validationError([{ field: 'X-Acting-User', reason: 'must be one user id (letters, digits, "_" and "-", 1 to 128)' }]);
  }
  return { actor: { type: 'user', id: parsed.data }, actingUserId: parsed.data };
});

/** The 403 of the admin contract when the acting user lacks the right (DESIGN.md "Admin contract"). */
export const insufficientPermissions = (required: Permission) =>
  new ForbiddenException({ error: 'insufficient_permissions', required });

/** Documents X-Acting-User and what it may answer. */
export const ApiActingUser = () =>
  applyDecorators(
    ApiHeader({
      name: 'X-Acting-User',
      required: false,
      description: 'Decide the call as this member of the org (the platform dashboard acting for a signed-in user)',
      schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,128}$' },
    }),
    ApiErrorResponses({
      403: 'The acting user lacks the right: {"error":"insufficient_permissions","required":"<permission>"}',
      404: 'No such resource, or the acting user is not a member of its org',
    }),
  );
