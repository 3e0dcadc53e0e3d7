import { DynamicModule } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule, PinoLogger } from 'nestjs-pino';
import type { Logger as Pino } from 'pino';
import type { Options as PinoHttpOptions } from 'pino-http';

/**
 * Paths pino removes from every log line. Keys arrive in Authorization and X-API-Key and must
 * never be logged; admin and internal tokens travel in Authorization too.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'headers.authorization',
  'headers["x-api-key"]',
  'apiKey',
  'key',
  '*.apiKey',
  '*.key',
  'body.apiKey',
];

/** Only the path of a URL: a key pasted into a query string must not reach the logs either. */
export function pathOnly(url: string | undefined): string {
  if (!url) return '';
  const q = url.indexOf('?');
  return q === -1 ? url : `${url.slice(0, q)}?[query redacted]`;
}

/** Requests without an access line: probes and scrapes. */
export function unloggedPath(url: string | undefined): boolean {
  return (url ?? '').startsWith('/health') || url === '/metrics';
}

/** The access line's level: server errors `error`, client errors `info`, the rest `debug`. */
export function accessLogLevel(statusCode: number, err?: unknown): 'error' | 'info' | 'debug' {
  return err || statusCode >= 500 ? 'error' : statusCode >= 400 ? 'info' : 'debug';
}

export interface LoggerModuleOptions {
  /**
   * `middleware` (default): pino-http as Nest middleware writes the access line, and the
   * request's logger is kept in an AsyncLocalStorage for the logs made while serving it.
   * `hook`: no middleware; the app writes the access line with logAccess() on its Fastify
   * instance (the gateway: bench (a) in BENCHMARKS.md), and logs made while serving a request
   * carry no request binding.
   */
  accessLog?: 'middleware' | 'hook';
}

/** pino-http's options (the services' access log and their logger): redaction, request serializer, levels. */
export function pinoHttpOptions(service: string, level: string): PinoHttpOptions {
  return {
    name: service,
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    autoLogging: { ignore: (req: IncomingMessage) => unloggedPath(req.url) },
    serializers: {
      req: (req: { id: unknown; method: string; url: string; headers: Record<string, unknown> }) => ({
        id: req.id,
        method: req.method,
        url: pathOnly(req.url),
        headers: req.headers,
      }),
    },
    customLogLevel: (_req: IncomingMessage, res: ServerResponse, err?: Error) => accessLogLevel(res.statusCode, err),
  };
}

export function createLoggerModule(service: string, level: string, options: LoggerModuleOptions = {}): DynamicModule {
  return LoggerModule.forRoot({
    // With the access line written by a hook, the middleware serves no route (it still makes the logger).
    ...(options.accessLog === 'hook' ? { forRoutes: [] } : {}),
    pinoHttp: pinoHttpOptions(service, level),
  });
}

/**
 * The access line of every request on a Fastify app whose logger module has `accessLog: 'hook'`:
 * written when the response is done, through nestjs-pino's logger (the serializers and redaction
 * of createLoggerModule), in the shape pino-http writes (`req`, `res`, `responseTime`, "request
 * completed"). Unlike the middleware it creates nothing per request and keeps no
 * AsyncLocalStorage: a line below its level costs one level check. `logger`: nestjs-pino's (made
 * when the app initialises, so read on each response).
 */
export function logAccess(instance: FastifyInstance, logger: () => Pino | undefined = () => PinoLogger.root): void {
  instance.addHook('onResponse', (req, reply, done) => {
    const log = logger();
    const level = accessLogLevel(reply.statusCode);
    if (log !== undefined && log.isLevelEnabled(level) && !unloggedPath(req.raw.url)) {
      (req.raw as { id?: unknown }).id = req.id;
      log[level]({ req: req.raw, res: reply.raw, responseTime: Math.round(reply.elapsedTime) }, 'request completed');
    }
    done();
  });
}
