import { PERMISSIONS } from '@sp/contracts';
import { POLICY_TABLE } from './policy.table';
import { RouteMatcher } from './route-matcher';

describe('policy table and route matcher', () => {
  const m = new RouteMatcher();

  it.each([
    ['GET', '/v1/status-pages', 'status_page:read', null, null],
    ['GET', '/v1/status-pages/p1', 'status_page:read', 'p1', null],
    ['PATCH', '/v1/status-pages/p1', 'status_page:write', 'p1', null],
    ['DELETE', '/v1/status-pages/p1', 'status_page:delete', 'p1', null],
    ['GET', '/v1/status-pages/p1/incidents', 'incident:read', 'p1', null],
    ['POST', '/v1/status-pages/p1/incidents', 'incident:write', 'p1', null],
    ['PATCH', '/v1/status-pages/p1/incidents/abc', 'incident:write', 'p1', null],
    ['DELETE', '/v1/status-pages/p1/maintenances/abc', 'incident:write', 'p1', null],
    ['GET', '/v1/status-pages/p1/maintenances/abc', 'incident:read', 'p1', null],
    ['GET', '/v1/status-pages/p1/services', 'status_page:read', 'p1', null],
    ['POST', '/v1/status-pages/p1/services', 'status_page:write', 'p1', null],
    ['GET', '/v1/status-pages/p1/subscriptions/x', 'subscription:read', 'p1', null],
    ['POST', '/v1/status-pages/p1/subscriptions', 'subscription:write', 'p1', null],
    ['GET', '/v1/orgs/o1/members', 'member:read', null, 'o1'],
    ['GET', '/v1/orgs/o1/invoices', 'billing:read', null, 'o1'],
    ['GET', '/v1/status-pages/p1/incidents?limit=5', 'incident:read', 'p1', null],
    ['GET', '/v1/status-pages/p1/', 'status_page:read', 'p1', null],
  ])('%s %s needs %s', (method, url, permission, pageId, orgId) => {
    const hit = m.match(method, url);
    expect(hit?.policy.permission).toBe(permission);
    expect(hit?.pageId).toBe(pageId);
    expect(hit?.orgId).toBe(orgId);
  });

  it.each([
    ['GET', '/v1/unknown'],
    ['PUT', '/v1/status-pages/p1'],
    ['POST', '/v1/status-pages'],
    ['GET', '/v1/status-pages/p1/incidents/a/b'],
    ['GET', '/v1/status-pages/bad.id'],
    ['GET', '/v1/status-pages/%2e%2e'],
    ['DELETE', '/v1/orgs/o1/members'],
    ['GET', '/v2/status-pages'],
    ['GET', '/internal/v1/authorize'],
  ])('%s %s is not in the table (404)', (method, url) => {
    expect(m.match(method, url)).toBeNull();
  });

  it('only uses permissions of the role table and has no duplicate routes', () => {
    const seen = new Set<string>();
    for (const p of POLICY_TABLE) {
      expect(PERMISSIONS).toContain(p.permission);
      const k = `${p.method} ${p.path}`;
      expect(seen.has(k)).toBe(false);
      seen.add(k);
    }
  });
});
