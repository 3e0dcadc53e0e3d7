import replyFrom from '@fastify/reply-from';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { logAccess } from '@sp/platform';
import { createServer, type RequestListener, type Server } from 'node:http';
import { AppModule } from './app.module';
import type { GatewayEnv } from './config/env.schema';
import { GatewayErrorsFilter } from './errors/gateway-errors.filter';
import { separateInternalPort } from './internal/internal-port';
import { ERROR_SCHEMAS, SECURITY_SCHEMES } from './policy/policy.openapi';

/**
 * The gateway as a Nest application on Fastify: the public API, health and docs on GATEWAY_PORT;
 * /metrics and health on GATEWAY_INTERNAL_PORT (same application, a second server). Bodies are
 * not parsed: they stream to the upstream as received.
 */
export async function createGateway(env: GatewayEnv): Promise<{ app: NestFastifyApplication; internal: Server }> {
  let internal: Server | undefined;
  const adapter = new FastifyAdapter({
    // A hop count, so the client address is the one the outermost trusted proxy appended.
    trustProxy: env.TRUST_PROXY,
    routerOptions: { ignoreTrailingSlash: true },
    serverFactory: (handler: RequestListener) => {
      internal = createServer(handler);
      return createServer(handler);
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, adapter, { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(Logger));
  app.useGlobalFilters(new GatewayErrorsFilter());
  app.enableShutdownHooks();
  const instance = app.getHttpAdapter().getInstance();
  separateInternalPort(instance, internal as Server);
  logAccess(instance);
  instance.removeAllContentTypeParsers();
  instance.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
  await app.register(replyFrom, { base: env.UPSTREAM_URL, undici: { connections: 128, pipelining: 1, keepAliveTimeout: 60_000 } });

  let docs = new DocumentBuilder()
    .setTitle('Status page platform: public API')
    .setDescription(
      'The public REST API of the status-page platform, behind the gateway. Authenticate with an API key: `Authorization: Bearer <key>`, ' +
        '`Authorization: <key>` or `X-API-Key: <key>`. Every operation names the permission it needs (`x-required-permission`).',
    )
    .setVersion('1');
  for (const [name, scheme] of Object.entries(SECURITY_SCHEMES)) docs = docs.addSecurity(name, { ...scheme });
  const config = docs.build();
  SwaggerModule.setup('docs', app, () => {
    const document = SwaggerModule.createDocument(app, config);
    document.components = { ...document.components, schemas: { ...document.components?.schemas, ...ERROR_SCHEMAS } };
    return document;
  });
  return { app, internal: internal as Server };
}
