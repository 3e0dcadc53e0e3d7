// Floor of bench (a)'s path on Fastify alone: the route answering the bytes bare-server.js answers,
// with the same headers, and nothing else (no Nest, no guard, no hooks). Started by bench/run.ts
// (`npm run bench -- floor`) on the service CPU; FLOOR_PORT, BARE_BODY_BASE64 as bare-server.js.
'use strict';
const fastify = require('fastify')();

const body = Buffer.from(process.env.BARE_BODY_BASE64 || '', 'base64').toString('utf8');

fastify.get('/v1/status-pages', (_req, reply) => {
  reply.header('cache-control', 'no-store').header('content-type', 'application/json; charset=utf-8').send(body);
});
fastify.listen({ port: Number(process.env.FLOOR_PORT), host: '127.0.0.1' }).then(() => process.stdout.write('listening\n'));
