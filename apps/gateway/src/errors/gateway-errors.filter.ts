import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { PublicError } from './public-errors';

const CODES: Record<number, string> = { 400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 405: 'method_not_allowed', 413: 'payload_too_large', 415: 'unsupported_media_type', 429: 'too_many_requests', 503: 'unavailable' };

/**
 * The gateway's one error answer, for every route (public API, health, docs, unknown routes):
 * the public contract's bodies as the guard made them; Nest's own exceptions as `{error, message?}`
 * (an unknown route is `{"error":"not_found"}`); Fastify's client errors (body too large, bad
 * content type) as their 4xx; anything else a 500 with nothing of the internals.
 */
@Catch()
export class GatewayErrorsFilter implements ExceptionFilter {
  private readonly logger = new Logger(GatewayErrorsFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (reply.sent) return;
    reply.header('cache-control', 'no-store');
    if (exception instanceof PublicError) {
      reply.headers(exception.headers).code(exception.getStatus()).send(exception.getResponse());
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const message = typeof body === 'string' ? body : (body as { message?: unknown }).message;
      reply.code(status).send(status === 404 ? { error: 'not_found' } : { error: CODES[status] ?? 'error', ...(message !== undefined ? { message } : {}) });
      return;
    }
    const e = exception as { statusCode?: number; message?: string; code?: string };
    if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
      reply.code(e.statusCode).send({ error: CODES[e.statusCode] ?? 'bad_request', message: e.message ?? 'bad request' });
      return;
    }
    this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    reply.code(500).send({ error: 'internal_error' });
  }
}
