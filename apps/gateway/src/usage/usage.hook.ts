import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { GatewayMetrics } from '../metrics/gateway.metrics';
import { UsagePublisher } from './usage.publisher';

/**
 * Fastify's onResponse hook for the public API: every decision on a known key (allowed or denied,
 * with the status the client got, also for answers the upstream made) becomes a usage record, and
 * every public route's time a metric. It reads only the finished request's own `access`.
 */
@Injectable()
export class UsageHook implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost, private readonly usage: UsagePublisher, private readonly metrics: GatewayMetrics) {}

  onModuleInit(): void {
    const instance = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    instance.decorateRequest('access', null);
    instance.addHook('onResponse', (req, reply, done) => {
      const access = req.access;
      if (access !== null) {
        const { key, policy } = access;
        this.usage.record(
          {
            orgId: key.orgId,
            keyId: key.keyId,
            decision: access.decision,
            reason: access.reason,
            permission: access.permission,
            method: req.method,
            route: policy.path,
            status: reply.statusCode,
            clientIp: access.clientIp,
          },
          access.at,
        );
      }
      const route = req.routeOptions.url;
      if (route !== undefined && route.startsWith('/v1/')) {
        this.metrics.requestSeconds.observe({ route, status: `${Math.floor(reply.statusCode / 100)}xx` }, reply.elapsedTime / 1000);
      }
      done();
    });
  }
}
