import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';

/**
 * One JSON error shape for every service: `{ error, message?, ... }`. Body-parser failures
 * (malformed JSON, too large) become 400/413 naming the body; anything unexpected is a 500 with no
 * internals in the answer (and the error in the log).
 */
@Catch()
export class HttpErrorsFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpErrorsFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) return;
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const own = typeof body === 'object' && body !== null && 'error' in body && !('statusCode' in body);
      if (!own && status === 400 && /JSON/.test(exception.message)) {
        res.status(400).json({ error: 'validation_failed', message: '(body): malformed JSON', details: [{ field: '(body)', reason: 'malformed JSON' }] });
        return;
      }
      res.status(status).json(own ? body : toBody(status, body));
      return;
    }
    const e = exception as { type?: string; status?: number; message?: string };
    if (e?.type === 'entity.parse.failed') {
      res.status(400).json({ error: 'validation_failed', message: '(body): malformed JSON', details: [{ field: '(body)', reason: 'malformed JSON' }] });
      return;
    }
    if (e?.type === 'entity.too.large') {
      res.status(413).json({ error: 'payload_too_large', message: 'body: too large' });
      return;
    }
    if (isDatabaseUnavailable(exception)) {
      this.logger.warn(`database unavailable: ${(exception as Error).message}`);
      res.status(HttpStatus.SERVICE_UNAVAILABLE).setHeader('Retry-After', '5').json({ error: 'database_unavailable' });
      return;
    }
    if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
      res.status(e.status).json({ error: 'bad_request', message: e.message ?? 'bad request' });
      return;
    }
    this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    res.status(HttpStatus.INTERNAL_SERVER_ERROR).json({ error: 'internal_error' });
  }
}

/** The driver could not reach the database (down, unreachable, not answering): the request may be retried. */
export function isDatabaseUnavailable(exception: unknown): boolean {
  const names = new Set(['MongoServerSelectionError', 'MongooseServerSelectionError', 'MongoNetworkError', 'MongoNetworkTimeoutError', 'MongoPoolClearedError', 'MongoNotConnectedError', 'MongoTopologyClosedError']);
  for (let e = exception as { name?: string; cause?: unknown; message?: string } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (names.has(e.name ?? '')) return true;
    if (e.name === 'MongooseError' && /buffering timed out|bufferCommands = false|not connected/i.test(e.message ?? '')) return true;
  }
  return false;
}

function toBody(status: number, body: unknown): Record<string, unknown> {
  const message = typeof body === 'string' ? body : (body as { message?: unknown })?.message;
  const code: Record<number, string> = { 400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 405: 'method_not_allowed', 409: 'conflict', 429: 'too_many_requests', 503: 'unavailable' };
  return { error: code[status] ?? 'error', ...(message !== undefined ? { message } : {}) };
}
