import { ConfigService } from '@nestjs/config';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { generateApiKey, hashApiKey } from '@sp/api-keys';
import { encodeConsistencyToken } from '@sp/contracts';
import { AccessView } from '@sp/permissions';
import { accessEvent, keyCreatedPayload } from '@sp/testing';
import { GatewayErrorsFilter } from '../errors/gateway-errors.filter';
import { GatewayMetrics } from '../metrics/gateway.metrics';
import { PublicApiController } from '../public-api/public-api.controller';
import { UpstreamForwarder } from '../public-api/upstream.forwarder';
import { RateLimitsService } from '../rate-limit/rate-limits.service';
import { UsageHook } from '../usage/usage.hook';
import { UsagePublisher, type UsageRecord } from '../usage/usage.publisher';
import { AccessViewService } from '../view/access-view.service';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeyStrategy } from './api-key.strategy';

const PEPPER = 'test-pepper-0123456789abcdef0123456789abcdef';
const ENV: Record<string, unknown> = {
  API_KEY_PEPPER: PEPPER,
  CONSISTENCY_WAIT_MS: 100,
  RATE_LIMIT_KEY_PER_SECOND: 1_000_000,
  RATE_LIMIT_ORG_PER_SECOND: 1_000_000,
  AUTH_FAILURES_PER_MINUTE: 1_000_000,
  GATEWAY_UPSTREAM_SECRET: 'unit-upstream-secret-0123456789abcdef',
  UPSTREAM_TIMEOUT_MS: 1000,
};

/**
 * The guard path through Nest's real pipeline on Fastify (controller, guard, strategy, usage hook),
 * over an in-memory view of three orgs, with an await of random length inside the guard: every
 * request carries an X-Consistency-Token the view is not yet fresh for, so the guard reads the key,
 * awaits the view (0-5 ms here), then reads it again and decides. Requests that overlap at that
 * await must each keep their own key.
 */
describe('ApiKeyGuard with an await in the guard path', () => {
  const orgs = ['org_a', 'org_b', 'org_c'];
  const keys = orgs.map(() => generateApiKey('org').key);
  const view = new AccessView();
  orgs.forEach((org, i) => {
    view.apply(accessEvent('OrgUpserted', org, 1, { name: org }));
    view.apply(accessEvent('StatusPageUpserted', org, 1, { pageId: `${org}_page`, name: `page of ${org}` }));
    view.apply(accessEvent('KeyCreated', org, 1, keyCreatedPayload(`key_${org}`, hashApiKey(keys[i], PEPPER))));
  });
  const recorded: UsageRecord[] = [];
  let waits = 0;
  const withToken = (headers: Record<string, string | undefined>, k: number): Record<string, string> => ({
    ...headers,
    'x-consistency-token': encodeConsistencyToken({ orgId: orgs[k], aggregateId: `key_${orgs[k]}`, aggregateVersion: 1 }),
  });
  let app: NestFastifyApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      controllers: [PublicApiController],
      providers: [
        { provide: ConfigService, useValue: { get: (name: string) => ENV[name] } },
        {
          provide: AccessViewService,
          useValue: {
            ready: true,
            state: 'fresh',
            view,
            // The inserted await: never fresh at first, so the guard waits 0-5 ms in the middle of its decision.
            isFresh: () => false,
            waitFor: async () => {
              waits++;
              await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
              return true;
            },
          },
        },
        { provide: UsagePublisher, useValue: { record: (u: UsageRecord) => recorded.push({ ...u }) } },
        { provide: UpstreamForwarder, useValue: {} },
        GatewayMetrics,
        RateLimitsService,
        ApiKeyStrategy,
        ApiKeyGuard,
        UsageHook,
      ],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
    app.useGlobalFilters(new GatewayErrorsFilter());
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('answers each of many overlapping requests for the key it presented', async () => {
    const n = 90;
    const waitsBefore = waits;
    const answers = await Promise.all(
      Array.from({ length: n }, (_, i) => {
        const k = i % 3;
        // Every presentation the contract allows, so overlapping requests also differ in their headers.
        const headers = [{ authorization: `Bearer ${keys[k]}` }, { authorization: keys[k] }, { 'x-api-key': keys[k] }][Math.floor(i / 3) % 3];
        return app.inject({ method: 'GET', url: '/v1/status-pages', headers: withToken(headers, k) }).then((res) => ({ k, status: res.statusCode, body: res.json() }));
      }),
    );
    expect(waits - waitsBefore).toBe(n); // every request went through the await
    for (const { k, status, body } of answers) {
      expect(status).toBe(200);
      expect(body).toEqual([{ id: `${orgs[k]}_page`, name: `page of ${orgs[k]}` }]);
    }
    // The usage hook read each request's own decision too.
    const byKey = new Map<string, number>();
    for (const u of recorded.slice(-n)) {
      expect(u.orgId).toBe(u.keyId.slice('key_'.length));
      byKey.set(u.keyId, (byKey.get(u.keyId) ?? 0) + 1);
    }
    expect(Object.fromEntries(byKey)).toEqual({ key_org_a: n / 3, key_org_b: n / 3, key_org_c: n / 3 });
  });

  it("keeps a denial to its own request: an unknown key overlapping known ones gets 401, they get their pages", async () => {
    const unknown = generateApiKey('org').key;
    const answers = await Promise.all(
      [keys[0], unknown, keys[1], `${keys[2]}x`, keys[2]].map((key, i) =>
        app.inject({ method: 'GET', url: '/v1/status-pages', headers: withToken({ authorization: `Bearer ${key}` }, i % 3) }),
      ),
    );
    expect(answers.map((a) => a.statusCode)).toEqual([200, 401, 200, 401, 200]);
    expect(answers[1].json()).toEqual({ error: 'invalid_api_key' });
    expect(answers[4].json()).toEqual([{ id: 'org_c_page', name: 'page of org_c' }]);
  });

  it('refuses two different keys in one request, and routes outside the policy table', async () => {
    const both = await app.inject({ method: 'GET', url: '/v1/status-pages', headers: { authorization: `Bearer ${keys[0]}`, 'x-api-key': keys[1] } });
    expect({ status: both.statusCode, body: both.json() }).toEqual({ status: 401, body: { error: 'invalid_api_key' } });
    const unknownRoute = await app.inject({ method: 'GET', url: '/v1/nowhere', headers: { authorization: `Bearer ${keys[0]}` } });
    expect({ status: unknownRoute.statusCode, body: unknownRoute.json() }).toEqual({ status: 404, body: { error: 'not_found' } });
    const badId = await app.inject({ method: 'GET', url: '/v1/orgs/org.a/members', headers: { authorization: `Bearer ${keys[0]}` } });
    expect(badId.statusCode).toBe(404);
  });
});
