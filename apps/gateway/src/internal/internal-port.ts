import type { FastifyInstance } from 'fastify';
import type { Server } from 'node:http';

/** What the internal port serves; the public port never serves /metrics. */
function internalPath(url: string): boolean {
  return url === '/metrics' || url.startsWith('/metrics?') || url.startsWith('/health/');
}

/**
 * One Nest application, two listening sockets: the public port and GATEWAY_INTERNAL_PORT (bound to
 * GATEWAY_INTERNAL_HOST, loopback by default). Both servers hand requests to the same Fastify
 * instance; this hook answers 404 for /metrics on the public port and for anything but /metrics
 * and /health/* on the internal one, before any other work.
 */
export function separateInternalPort(instance: FastifyInstance, internal: Server): void {
  instance.addHook('onRequest', (req, reply, done) => {
    const onInternal = (req.raw.socket as { server?: unknown }).server === internal;
    const url = req.raw.url ?? '';
    if (onInternal ? !internalPath(url) : url === '/metrics' || url.startsWith('/metrics?')) {
      reply.code(404).header('cache-control', 'no-store').send({ error: 'not_found' });
      return;
    }
    done();
  });
  instance.addHook('onClose', (_instance, done) => {
    if (!internal.listening) return done();
    internal.close(() => done());
    internal.closeAllConnections();
  });
}
