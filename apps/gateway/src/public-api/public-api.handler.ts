import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { NextFunction, Request, Response } from 'express';
import passport from 'passport';
import { decodeConsistencyToken, type Permission } from '@sp/contracts';
import { evaluateAccess, evaluatePrincipal, readablePages, type DenyReason, type KeyRecord, type MemberRecord, type PageRecord } from '@sp/permissions';
import { ApiKeyStrategy } from '../auth/api-key.strategy';
import { AuthAttempt } from '../auth/auth-attempt';
import { clientAddress } from '../auth/extract-api-key';
import { RequestHeaders } from '../auth/request-headers';
import type { GatewayEnv } from '../config/env.schema';
import { GatewayMetrics, type Tally } from '../metrics/gateway.metrics';
import { RouteMatcher, type RouteMatch } from '../policy/route-matcher';
import { RateLimitsService } from '../rate-limit/rate-limits.service';
import { UsagePublisher, type UsageRecord } from '../usage/usage.publisher';
import { AccessViewService } from '../view/access-view.service';
import { UpstreamProxy, type RequestWithIdentity } from './upstream.proxy';

const NO_HEADERS = new RequestHeaders();
const INVALID_KEY = '{"error":"invalid_api_key"}';
const NOT_FOUND = '{"error":"not_found"}';
const IP_NOT_ALLOWED = '{"error":"ip_not_allowed"}';

const DENY_STATUS: Record<DenyReason, number> = {
  key_revoked: 401,
  key_expired: 401,
  key_incomplete: 401,
  member_removed: 401,
  ip_not_allowed: 403,
  not_found: 404,
  insufficient_permissions: 403,
};

/**
 * The public API's request path, mounted before Nest's router: match the policy table (deny by
 * default), authenticate the key (passport, once per connection and key headers), apply the
 * consistency token, decide with the permission engine over the in-process view, rate-limit, then
 * answer from the view or proxy to status-page-api. Every decision on a known key is recorded as
 * a usage event, off the request path.
 */
@Injectable()
export class PublicApiHandler {
  private readonly matcher = new RouteMatcher();
  private readonly trustProxy: boolean;
  private readonly consistencyWaitMs: number;
  private readonly authDisabled: boolean;
  private readonly benchmarkOrgId: string | undefined;
  private readonly allowed: Tally;
  /** Reused by every request: passport and the strategy decide synchronously (AuthAttempt.reset). */
  private readonly attempt = new AuthAttempt();
  /** Reused by every request up to its answer; copied by a request that waits for the view. */
  private readonly requestHeaders = new RequestHeaders();
  private readonly usageScratch: UsageRecord = { orgId: '', keyId: '', decision: 'allow', reason: '', permission: 'status_page:read', method: '', route: '', status: 0, clientIp: null };
  private readonly readableMemo = new WeakMap<KeyRecord, { member: MemberRecord | null; pages: readonly PageRecord[]; readable: readonly PageRecord[] }>();
  private readonly passportAuthenticate: (req: AuthAttempt, res: Response, next: (err?: unknown) => void) => void;

  constructor(
    config: ConfigService<GatewayEnv, true>,
    private readonly views: AccessViewService,
    private readonly limits: RateLimitsService,
    private readonly usage: UsagePublisher,
    private readonly metrics: GatewayMetrics,
    private readonly proxy: UpstreamProxy,
    private readonly strategy: ApiKeyStrategy,
  ) {
    // The strategy instance rather than its name: passport then runs it as is, where a name costs
    // a registry lookup and a new object derived from the strategy per request. authInfo: false,
    // because the gateway has no auth info: it skips passport's per-request info transform chain
    // (and the `authInfo` property it would add to every attempt).
    this.passportAuthenticate = passport.authenticate(strategy.passportStrategy, {
      session: false,
      assignProperty: 'spKey',
      authInfo: false,
      failWithError: true,
    });
    this.trustProxy = config.get('TRUST_PROXY', { infer: true });
    this.consistencyWaitMs = config.get('CONSISTENCY_WAIT_MS', { infer: true });
    this.authDisabled = config.get('GATEWAY_AUTH_DISABLED_FOR_BENCHMARK', { infer: true });
    this.benchmarkOrgId = process.env.BENCHMARK_ORG_ID;
    this.allowed = metrics.decisionTally('allow');
  }

  /** Express middleware: handles /v1/*, passes everything else (health, metrics, docs) on. */
  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    if (!req.url.startsWith('/v1/') && req.url !== '/v1') return next();
    try {
      this.handle(req, res, next)?.catch(next);
    } catch (err) {
      next(err);
    }
  };

  /**
   * Synchronous up to the answer whenever it can be (a view answer, a denial): a promise only when
   * the request must wait for the view (consistency token) or for the upstream.
   */
  private handle(req: Request, res: Response, next: NextFunction): Promise<void> | undefined {
    const started = performance.now();
    const match = this.matcher.match(req.method, req.url);
    if (match === null) return send(res, 404, NOT_FOUND);
    const route = match.policy.path;
    res.once('finish', () => this.metrics.requestSeconds.observe({ route, status: statusClass(res.statusCode) }, secondsSince(started)));

    if (this.authDisabled) return this.answerWithoutAuth(req, res, next, match);
    if (!this.views.ready) return send(res, 503, '{"error":"view_not_ready"}');

    const headers = this.requestHeaders.read(req.rawHeaders);
    const ip = clientAddress(headers.forwardedFor, req.socket.remoteAddress, this.trustProxy);
    const blockedFor = this.limits.authBlocked(ip ?? 'unknown');
    if (blockedFor > 0) return tooMany(res, blockedFor, '{"error":"too_many_failed_authentications"}');

    // A consistency token first: the change it names (a new key, a revocation, a role change) must
    // be in the view before the key is even looked up.
    const tokenHeader = headers.consistencyToken;
    if (tokenHeader !== undefined) {
      const token = decodeConsistencyToken(tokenHeader);
      if (token === null) {
        return send(res, 400, '{"error":"validation_failed","message":"X-Consistency-Token: malformed","details":[{"field":"X-Consistency-Token","reason":"malformed"}]}');
      }
      if (!this.views.isFresh(token)) {
        const own = headers.copy(); // the shared one serves other requests meanwhile
        return this.views.waitFor(token, this.consistencyWaitMs).then((fresh) =>
          fresh ? this.authorize(req, res, next, match, ip, own, started) : send(res, 503, '{"error":"view_not_fresh"}'),
        );
      }
    }
    return this.authorize(req, res, next, match, ip, headers, started);
  }

  /**
   * Authentication, the decision, rate limits, then the answer (from the view, or proxied).
   * `started`: when the request reached the handler (performance.now()), the start of its decision time.
   */
  private authorize(req: Request, res: Response, next: NextFunction, match: RouteMatch, ip: string | null, headers: RequestHeaders, started: number): Promise<void> | undefined {
    const route = match.policy.path;
    const key = this.authenticate(req, res, headers);
    if (key === null) {
      this.metrics.decisionSeconds.observe(secondsSince(started));
      this.count('invalid_api_key');
      this.limits.authFailed(ip ?? 'unknown');
      return send(res, 401, INVALID_KEY);
    }

    const view = this.views.view;
    const member: MemberRecord | null = key.type === 'user' && key.userId !== null ? (view.member(key.orgId, key.userId) ?? null) : null;
    const permission = match.policy.permission;
    const now = Date.now();
    // The page list is not about one page: the key itself must be usable, then it lists what it can read.
    const decision =
      match.policy.answer === 'view:status-pages'
        ? evaluatePrincipal(key, member, now, ip)
        : evaluateAccess(
            { key, member, page: match.pageId !== null ? (view.page(match.pageId) ?? null) : null, now, clientIp: ip },
            { permission, orgId: match.orgId ?? key.orgId, statusPageId: match.pageId },
          );
    this.metrics.decisionSeconds.observe(secondsSince(started));
    this.count(decision.allowed ? 'allow' : decision.reason);

    if (!decision.allowed) {
      const status = DENY_STATUS[decision.reason];
      this.recordUsage(key, req.method, route, 'deny', decision.reason, permission, status, ip, now);
      if (status === 401) {
        this.limits.authFailed(ip ?? 'unknown');
        return send(res, 401, INVALID_KEY);
      }
      if (decision.reason === 'ip_not_allowed') return send(res, 403, IP_NOT_ALLOWED);
      if (status === 404) return send(res, 404, NOT_FOUND);
      return send(res, 403, `{"error":"insufficient_permissions","required":"${permission}"}`);
    }

    const retryAfter = this.limits.take(key.keyId, key.orgId);
    if (retryAfter > 0) {
      this.recordUsage(key, req.method, route, 'deny', 'rate_limited', permission, 429, ip, now);
      return tooMany(res, retryAfter, '{"error":"rate_limited"}');
    }

    switch (match.policy.answer) {
      case 'view:status-pages': {
        const pages = this.readablePagesOf(key, member, now, ip);
        this.recordUsage(key, req.method, route, 'allow', 'allowed', permission, 200, ip, now);
        return send(res, 200, JSON.stringify(pages.map((p) => ({ id: p.pageId, name: p.name }))));
      }
      case 'view:members': {
        const members = view.membersOfOrg(key.orgId).map((m) => ({
          userId: m.userId,
          role: m.role,
          pageRoles: Object.fromEntries(m.pageRoles.map((p) => [p.pageId, p.role])),
        }));
        this.recordUsage(key, req.method, route, 'allow', 'allowed', permission, 200, ip, now);
        return send(res, 200, JSON.stringify(members));
      }
      case 'upstream': {
        const k = key;
        res.once('finish', () => this.recordUsage(k, req.method, route, 'allow', 'allowed', permission, res.statusCode, ip));
        (req as RequestWithIdentity).spIdentity = {
          orgId: key.orgId,
          keyId: key.keyId,
          principal: key.type === 'user' ? `user:${key.userId}` : 'org',
          permission,
        };
        return this.proxy.handler(req, res, next);
      }
    }
  }

  /**
   * The presented key's record, or null. Key headers this connection presented before are
   * recognised by the strategy's memo (`recall`); new ones go through passport.authenticate with
   * our strategy (built once), which is synchronous, so passport has decided when the call returns.
   */
  private authenticate(req: Request, res: Response, headers: RequestHeaders): KeyRecord | null {
    const socket = req.socket ?? null;
    const recalled = this.strategy.recall(headers, socket);
    if (recalled !== undefined) return recalled;
    const attempt = this.attempt.reset(headers, socket);
    let key: KeyRecord | null = null;
    this.passportAuthenticate(attempt, res, (err?: unknown) => {
      key = err ? null : (attempt.spKey ?? null);
    });
    attempt.reset(NO_HEADERS, null); // keeps no request alive
    return key;
  }

  /**
   * `readablePages` for a key whose principal was just allowed, remembered per key record: the
   * view's records and page lists are frozen and replaced on every change, so the same key,
   * member and page list (by identity) give the same pages. The clock and the client address
   * only matter to the principal check, which runs on every request before this.
   */
  private readablePagesOf(key: KeyRecord, member: MemberRecord | null, now: number, ip: string | null): readonly PageRecord[] {
    const pages = this.views.view.pagesOfOrg(key.orgId);
    const memo = this.readableMemo.get(key);
    if (memo !== undefined && memo.member === member && memo.pages === pages) return memo.readable;
    const readable = readablePages(key, member, pages, now, ip);
    this.readableMemo.set(key, { member, pages, readable });
    return readable;
  }

  /** One more decision with this outcome (a plain increment; see GatewayMetrics.decisions). */
  private count(outcome: string): void {
    if (outcome === 'allow') this.allowed.n++;
    else this.metrics.decisionTally(outcome).n++;
  }

  /** One usage record, filled in the handler's scratch record (the publisher copies what it keeps). */
  private recordUsage(key: KeyRecord, method: string, route: string, decision: 'allow' | 'deny', reason: string, permission: Permission, status: number, ip: string | null, at?: number): void {
    const u = this.usageScratch;
    u.orgId = key.orgId;
    u.keyId = key.keyId;
    u.decision = decision;
    u.reason = reason;
    u.permission = permission;
    u.method = method;
    u.route = route;
    u.status = status;
    u.clientIp = ip;
    this.usage.record(u, at);
  }

  /** Benchmark baseline: the same routes and answers with authentication and authorization off. */
  private answerWithoutAuth(req: Request, res: Response, next: NextFunction, match: RouteMatch): Promise<void> | undefined {
    const orgId = match.orgId ?? this.benchmarkOrgId ?? '';
    if (match.policy.answer === 'view:status-pages') {
      return send(res, 200, JSON.stringify(this.views.view.pagesOfOrg(orgId).map((p) => ({ id: p.pageId, name: p.name }))));
    }
    (req as RequestWithIdentity).spIdentity = { orgId, keyId: 'benchmark', principal: 'org', permission: match.policy.permission };
    return this.proxy.handler(req, res, next);
  }
}

function send(res: Response, status: number, body: string): undefined {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.end(body);
}

function tooMany(res: Response, retryAfterSeconds: number, body: string): undefined {
  res.setHeader('retry-after', String(retryAfterSeconds));
  return send(res, 429, body);
}

/** Seconds since `started`, a performance.now() reading. */
function secondsSince(started: number): number {
  return (performance.now() - started) / 1000;
}

function statusClass(status: number): string {
  return `${Math.floor(status / 100)}xx`;
}
