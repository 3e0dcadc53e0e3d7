// Floor of bench (b)'s path: Fastify with @fastify/reply-from (the gateway's proxy library, its
// undici pool settings) forwarding every request to UPSTREAM_URL as received: no Nest, no key, no
// identity header, no hooks. What the proxy hop alone costs. Started by bench/run.ts
// (`npm run bench -- floor`); FLOOR_PORT, UPSTREAM_URL.
'use strict';
const fastify = require('fastify')();

fastify.removeAllContentTypeParsers();
fastify.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
fastify
  .register(require('@fastify/reply-from'), { base: process.env.UPSTREAM_URL, undici: { connections: 128, pipelining: 1, keepAliveTimeout: 60_000 } })
  .after(() => {
    fastify.all('/*', (req, reply) => reply.from(req.url));
  });
fastify.listen({ port: Number(process.env.FLOOR_PORT), host: '127.0.0.1' }).then(() => process.stdout.write('listening\n'));
