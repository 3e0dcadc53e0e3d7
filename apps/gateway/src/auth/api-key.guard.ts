import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { decodeConsistencyToken } from '@sp/contracts';
import { evaluateAccess, evaluatePrincipal, type DenyReason } from '@sp/permissions';
import type { GatewayEnv } from '../config/env.schema';
import { insufficientPermissions, invalidApiKey, ipNotAllowed, malformedConsistencyToken, notFound, tooMany, viewNotFresh, viewNotReady } from '../errors/public-errors';
import { GatewayMetrics } from '../metrics/gateway.metrics';
import { ID_PATTERN, POLICY_METADATA } from '../policy/policy.metadata';
import type { Policy } from '../policy/policy.table';
import { RateLimitsService } from '../rate-limit/rate-limits.service';
import { AccessViewService } from '../view/access-view.service';
import { ApiKeyStrategy } from './api-key.strategy';

const UNAUTHENTICATED: ReadonlySet<DenyReason> = new Set(['key_revoked', 'key_expired', 'key_incomplete', 'member_removed']);

/**
 * The public API's authentication and authorization, from the route's policy-table row (route
 * metadata; a route without one is refused): the view must be ready; a client address that failed
 * too often waits; an X-Consistency-Token's change must be in the view first; then the key
 * (ApiKeyStrategy's logic, called directly: faster than AuthGuard in bench (a), BENCHMARKS.md), the permission engine's decision on the route's resource, and the
 * per-key and per-org rate limits. The outcome goes on the request (`access`) for the controller
 * and the usage hook. Every value it works with is local to this call or to the request, so
 * requests that overlap (any await in here) never see each other's key.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly consistencyWaitMs: number;

  constructor(
    config: ConfigService<GatewayEnv, true>,
    private readonly reflector: Reflector,
    private readonly views: AccessViewService,
    private readonly limits: RateLimitsService,
    private readonly metrics: GatewayMetrics,
    private readonly strategy: ApiKeyStrategy,
  ) {
    this.consistencyWaitMs = config.get('CONSISTENCY_WAIT_MS', { infer: true });
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const started = performance.now();
    const policy = this.reflector.get<Policy | undefined>(POLICY_METADATA, context.getHandler());
    const req = context.switchToHttp().getRequest<FastifyRequest>();
    if (policy === undefined) throw notFound(); // deny by default
    const params = req.params as Record<string, string>;
    for (const name in params) if (!ID_PATTERN.test(params[name])) throw notFound();
    const state = this.views.state;
    if (state !== 'fresh') throw state === 'stale' ? viewNotFresh() : viewNotReady();

    const clientIp = req.ip;
    const blockedFor = this.limits.authBlocked(clientIp);
    if (blockedFor > 0) throw tooMany('too_many_failed_authentications', blockedFor);

    // The key first: only a well-formed key makes the gateway wait for a consistency token, so a
    // missing key stays a 401 and a forged token cannot hold requests without one. The change the
    // token names (a revocation, a role change, the creation of this very key) must be in the view
    // before the decision, so the key is looked up again after any wait: the record read before it
    // may predate that change.
    // (lookup is synchronous: nothing can change the view between reading the key and the check.)
    let key = this.strategy.lookup(req.headers);
    const tokenHeader = req.headers['x-consistency-token'];
    if (tokenHeader !== undefined && (key !== null || this.strategy.presentsWellFormedKey(req.headers))) {
      const token = typeof tokenHeader === 'string' ? decodeConsistencyToken(tokenHeader) : null;
      if (token === null) throw malformedConsistencyToken();
      if (!this.views.isFresh(token)) {
        if (!(await this.views.waitFor(token, this.consistencyWaitMs))) {
          // Whether an unknown key exists cannot be told yet; it still counts against its address.
          if (key === null) this.limits.authFailed(clientIp);
          throw viewNotFresh();
        }
        key = this.strategy.lookup(req.headers);
      }
    }
    if (key === null) {
      this.decided(started, 'invalid_api_key');
      this.limits.authFailed(clientIp);
      throw invalidApiKey();
    }

    const view = this.views.view;
    const member = key.type === 'user' && key.userId !== null ? (view.member(key.orgId, key.userId) ?? null) : null;
    const permission = policy.permission;
    const at = Date.now();
    const pageId = params.pageId ?? null;
    // The page list is not about one page: the key itself must be usable, then it lists what it can read.
    const decision =
      policy.answer === 'view:status-pages'
        ? evaluatePrincipal(key, member, at, clientIp)
        : evaluateAccess(
            { key, member, page: pageId !== null ? (view.page(pageId) ?? null) : null, now: at, clientIp },
            { permission, orgId: params.orgId ?? key.orgId, statusPageId: pageId },
          );
    this.decided(started, decision.allowed ? 'allow' : decision.reason);
    req.access = { policy, key, member, clientIp, permission, decision: decision.allowed ? 'allow' : 'deny', reason: decision.allowed ? 'allowed' : decision.reason, at };

    if (!decision.allowed) {
      if (UNAUTHENTICATED.has(decision.reason)) {
        this.limits.authFailed(clientIp);
        throw invalidApiKey();
      }
      if (decision.reason === 'ip_not_allowed') throw ipNotAllowed();
      if (decision.reason === 'not_found') throw notFound();
      throw insufficientPermissions(permission);
    }

    const retryAfter = this.limits.take(key.keyId, key.orgId);
    if (retryAfter > 0) {
      req.access = { ...req.access, decision: 'deny', reason: 'rate_limited' };
      throw tooMany('rate_limited', retryAfter);
    }
    return true;
  }

  private decided(started: number, outcome: string): void {
    this.metrics.decisionSeconds.observe((performance.now() - started) / 1000);
    this.metrics.decisions.inc({ outcome });
  }
}
