import { createSecretKey, type KeyObject } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { IDENTITY_HEADER_NAMES, signedIdentityHeaders } from '@sp/contracts';
import type { AccessContext } from '../auth/access-context';
import type { GatewayEnv } from '../config/env.schema';

/** Request headers that carry the caller's credentials or gateway-only instructions: never forwarded. */
const GATEWAY_ONLY = ['authorization', 'x-api-key', 'x-consistency-token'];
/** What is not forwarded: the gateway-only headers and every identity header a client sent. */
const DROPPED: ReadonlySet<string> = new Set([...GATEWAY_ONLY, ...IDENTITY_HEADER_NAMES]);

/**
 * Sends an allowed request on to status-page-api with @fastify/reply-from (undici, keep-alive
 * pool; registered in main.ts with UPSTREAM_URL as base): the key headers are removed, every
 * identity header a client sent is dropped, and the identity the gateway vouches for is set and
 * signed (GATEWAY_UPSTREAM_SECRET over identity, method, path, time). The body is streamed as
 * received; the upstream validates it.
 */
@Injectable()
export class UpstreamForwarder {
  private readonly secret: KeyObject;
  private readonly timeoutMs: number;

  constructor(config: ConfigService<GatewayEnv, true>) {
    // A KeyObject made once: createHmac does not import the key material on every request.
    this.secret = createSecretKey(config.get('GATEWAY_UPSTREAM_SECRET', { infer: true }), 'utf8');
    this.timeoutMs = config.get('UPSTREAM_TIMEOUT_MS', { infer: true });
  }

  forward(req: FastifyRequest, reply: FastifyReply, access: AccessContext): FastifyReply {
    const { key, permission } = access;
    return reply.from(req.url, {
      timeout: this.timeoutMs,
      rewriteRequestHeaders: (_req, headers) => {
        // Copied into a new object rather than deleted from the received one: deletes turn it into
        // a slow dictionary object (1.4 % of the gateway's CPU in bench (b)'s profile).
        const forwarded: Record<string, string | string[] | undefined> = {};
        for (const name in headers) if (!DROPPED.has(name)) forwarded[name] = headers[name];
        const identity = { orgId: key.orgId, keyId: key.keyId, principal: key.type === 'user' ? `user:${key.userId}` : 'org', permission };
        return Object.assign(forwarded, signedIdentityHeaders(identity, req.method, req.url, this.secret));
      },
      onError: (res, { error }) => {
        const timedOut = (error as { statusCode?: number }).statusCode === 504;
        res.code(timedOut ? 504 : 502).header('cache-control', 'no-store').send({ error: timedOut ? 'upstream_timeout' : 'upstream_unavailable' });
      },
    });
  }
}
