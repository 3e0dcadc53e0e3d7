import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { NextFunction, Request, Response } from 'express';
import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import { Agent } from 'node:http';
import { createProxyMiddleware, type RequestHandler } from 'http-proxy-middleware';
import { IDENTITY_HEADERS } from '@sp/contracts';
import type { GatewayEnv } from '../config/env.schema';

/** What the gateway tells the upstream about an allowed request. */
export interface Identity {
  orgId: string;
  keyId: string;
  principal: string;
  permission: string;
}

export type RequestWithIdentity = IncomingMessage & { spIdentity?: Identity };

/**
 * Proxies allowed requests to status-page-api (http-proxy-middleware over a keep-alive agent): the
 * key headers are removed, identity headers set (overwriting anything a client sent under those names).
 */
@Injectable()
export class UpstreamProxy {
  readonly handler: RequestHandler<Request, Response, NextFunction>;

  constructor(config: ConfigService<GatewayEnv, true>) {
    this.handler = createProxyMiddleware<Request, Response>({
      target: config.get('UPSTREAM_URL', { infer: true }),
      changeOrigin: false,
      xfwd: true,
      proxyTimeout: config.get('UPSTREAM_TIMEOUT_MS', { infer: true }),
      agent: new Agent({ keepAlive: true, maxSockets: 256 }),
      on: {
        proxyReq: (proxyReq: ClientRequest, req: RequestWithIdentity) => {
          proxyReq.removeHeader('authorization');
          proxyReq.removeHeader('x-api-key');
          proxyReq.removeHeader('x-consistency-token');
          const id = req.spIdentity;
          if (id) {
            proxyReq.setHeader(IDENTITY_HEADERS.orgId, id.orgId);
            proxyReq.setHeader(IDENTITY_HEADERS.keyId, id.keyId);
            proxyReq.setHeader(IDENTITY_HEADERS.principal, id.principal);
            proxyReq.setHeader(IDENTITY_HEADERS.permission, id.permission);
          }
        },
        error: (_err: Error, _req: IncomingMessage, res: ServerResponse | unknown) => {
          const out = res as ServerResponse;
          if (!out.headersSent && typeof out.writeHead === 'function') {
            out.writeHead(502, { 'content-type': 'application/json' });
            out.end('{"error":"upstream_unavailable"}');
          }
        },
      },
    });
  }
}
