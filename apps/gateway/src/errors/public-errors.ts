import { HttpException } from '@nestjs/common';
import type { Permission } from '@sp/contracts';

/**
 * The public contract's error answers (DESIGN.md "Errors"), as exceptions the guard throws and the
 * one filter (GatewayErrorsFilter) writes: the body as given, plus any headers (Retry-After).
 */
export class PublicError extends HttpException {
  constructor(status: number, body: Record<string, unknown>, readonly headers: Readonly<Record<string, string>> = {}) {
    super(body, status);
  }
}

export const invalidApiKey = () => new PublicError(401, { error: 'invalid_api_key' });
export const notFound = () => new PublicError(404, { error: 'not_found' });
export const ipNotAllowed = () => new PublicError(403, { error: 'ip_not_allowed' });
export const insufficientPermissions = (required: Permission) => new PublicError(403, { error: 'insufficient_permissions', required });
export const tooMany = (error: 'rate_limited' | 'too_many_failed_authentications', retryAfterSeconds: number) =>
  new PublicError(429, { error }, { 'retry-after': String(retryAfterSeconds) });
export const viewNotReady = () => new PublicError(503, { error: 'view_not_ready' });
export const viewNotFresh = () => new PublicError(503, { error: 'view_not_fresh' });
export const malformedConsistencyToken = () =>
  new PublicError(400, {
    error: 'validation_failed',
    message: 'X-Consistency-Token: malformed',
    details: [{ field: 'X-Consistency-Token', reason: 'malformed' }],
  });
