// Floor of bench (a)'s path on Nest over Fastify: one controller route answering the bytes
// bare-server.js answers, with the gateway's response decorators (@Header) and @Req(); with
// FLOOR_GUARD=1, behind a guard that reads route metadata through the Reflector and puts a value
// on the request, as ApiKeyGuard does, and nothing else (no key, no view, no hooks, no metrics).
// What Nest and Fastify cost before the gateway's own work. Started by bench/run.ts
// (`npm run bench -- floor`); FLOOR_PORT, BARE_BODY_BASE64 as bare-server.js.
'use strict';
require('reflect-metadata');
const { Controller, Get, Header, Injectable, Module, Req, SetMetadata, UseGuards } = require('@nestjs/common');
const { NestFactory, Reflector } = require('@nestjs/core');
const { FastifyAdapter } = require('@nestjs/platform-fastify');

const body = Buffer.from(process.env.BARE_BODY_BASE64 || '', 'base64').toString('utf8');
const withGuard = process.env.FLOOR_GUARD === '1';

class FloorGuard {
  constructor(reflector) {
    this.reflector = reflector;
  }
  canActivate(context) {
    const policy = this.reflector.get('floor:policy', context.getHandler());
    context.switchToHttp().getRequest().access = { policy };
    return policy !== undefined;
  }
}
Injectable()(FloorGuard);
Reflect.defineMetadata('design:paramtypes', [Reflector], FloorGuard);

class FloorController {
  statusPages(_req) {
    return body;
  }
}
Controller()(FloorController);
const proto = FloorController.prototype;
const descriptor = Object.getOwnPropertyDescriptor(proto, 'statusPages');
Req()(proto, 'statusPages', 0);
Reflect.defineMetadata('design:paramtypes', [Object], proto, 'statusPages');
const decorators = [Get('/v1/status-pages'), Header('cache-control', 'no-store'), Header('content-type', 'application/json; charset=utf-8'), SetMetadata('floor:policy', { permission: 'status_page:read' })];
if (withGuard) decorators.push(UseGuards(FloorGuard));
for (const decorate of decorators) decorate(proto, 'statusPages', descriptor);

class FloorModule {}
Module({ controllers: [FloorController], providers: [FloorGuard] })(FloorModule);

NestFactory.create(FloorModule, new FastifyAdapter(), { logger: false, bodyParser: false })
  .then((app) => app.listen(Number(process.env.FLOOR_PORT), '127.0.0.1'))
  .then(() => process.stdout.write('listening\n'));
