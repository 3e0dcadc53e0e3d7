import { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { HttpErrorsFilter } from '../http/http-errors.filter';
import { createOpenApiDocument } from '../http/openapi';

export interface HttpAppOptions {
  port: number;
  host: string;
  /** OpenAPI document served at /docs (JSON at /docs-json). */
  docs?: { title: string; description: string; bearer?: boolean };
  /** JSON body parsing (default true); a proxy leaves bodies alone. */
  bodyParser?: boolean;
  /**
   * Routes (by path prefix) whose body handlers read as it came (a Buffer in `req.body`), e.g. to
   * check a signature over the exact bytes; with their own size limit. Other routes parse JSON.
   */
  rawBodyRoutes?: { prefix: string; limit: string }[];
  /** Extra setup before listen (middleware, microservices...). */
  configure?: (app: INestApplication) => void | Promise<void>;
}

/**
 * The common bootstrap of every service: pino logger, one JSON error shape, body size limit,
 * shutdown hooks (SIGINT/SIGTERM close Kafka and MongoDB cleanly), optional OpenAPI at /docs.
 */
export async function startHttpApp(module: Type<unknown>, options: HttpAppOptions): Promise<INestApplication> {
  const parseBodies = options.bodyParser ?? true;
  const app = await NestFactory.create<NestExpressApplication>(module, { bufferLogs: true, bodyParser: parseBodies, rawBody: false });
  app.useLogger(app.get(Logger));
  app.useGlobalFilters(new HttpErrorsFilter());
  // Raw first: a body it reads is marked parsed, so the JSON parser leaves it alone.
  for (const route of options.rawBodyRoutes ?? []) {
    app.useBodyParser('raw', { limit: route.limit, type: (req: { url?: string }) => req.url?.startsWith(route.prefix) === true });
  }
  if (parseBodies) app.useBodyParser('json', { limit: '100kb' });
  app.enableShutdownHooks();
  if (options.docs) {
    const docs = options.docs;
    SwaggerModule.setup('docs', app, () => createOpenApiDocument(app, docs));
  }
  await options.configure?.(app);
  await app.listen(options.port, options.host);
  return app;
}
