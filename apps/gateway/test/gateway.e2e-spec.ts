import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { encodeConsistencyToken, IDENTITY_HEADERS, IDENTITY_SIGNATURE_MAX_AGE_MS, signedIdentityHeaders } from '@sp/contracts';
import { POLICY_TABLE } from '../src/policy/policy.table';
import { waitUntil } from '@sp/testing';
import { Admin, Client, System } from './support/system';

/**
 * End to end through the gateway over the real stack and the four services as processes:
 * admin changes on key-service travel through Kafka into the gateway's view.
 */
describe('gateway end to end', () => {
  const system = new System(
    { gateway: 3200, keyService: 3201, permissions: 3202, permissionsTcp: 3212, upstream: 3203 },
    { TRUST_PROXY: 'true', AUTH_FAILURES_PER_MINUTE: '20', RATE_LIMIT_KEY_PER_SECOND: '40', CONSISTENCY_WAIT_MS: '1500' },
  );
  const admin = new Admin('http://127.0.0.1:3201');
  const gw = new Client('http://127.0.0.1:3200');
  const org = `e2e-${system.run}`;
  const otherOrg = `${org}-other`;
  const p1 = `${org}-p1`;
  const p2 = `${org}-p2`;
  let ip = 0;
  const freshIp = () => `198.51.100.${++ip}`;

  /** Creates a key and returns it with the consistency token of its creation. */
  async function orgKey(body: Record<string, unknown>, inOrg = org) {
    const r = await admin.post(`/v1/orgs/${inOrg}/api-keys`, { name: 'k', ...body });
    expect(r.status).toBe(201);
    return r.body as { key: string; id: string; consistencyToken: string };
  }
  async function userKey(userId: string, membership: Record<string, unknown>, body: Record<string, unknown> = {}) {
    const m = await admin.put(`/v1/orgs/${org}/members/${userId}`, membership);
    expect([200, 201]).toContain(m.status);
    const r = await admin.post(`/v1/orgs/${org}/members/${userId}/api-keys`, { name: userId, ...body });
    expect(r.status).toBe(201);
    return r.body as { key: string; id: string; consistencyToken: string };
  }

  beforeAll(async () => {
    await system.start();
    for (const [o, name] of [[org, 'E2E'], [otherOrg, 'Other']]) expect((await admin.put(`/v1/orgs/${o}`, { name })).status).toBe(201);
    for (const p of [p1, p2]) expect((await admin.put(`/v1/orgs/${org}/status-pages/${p}`, { name: p })).status).toBe(201);
    expect((await admin.put(`/v1/orgs/${otherOrg}/status-pages/${otherOrg}-p1`, { name: 'theirs' })).status).toBe(201);
  }, 180_000);

  afterAll(async () => {
    await system.stop();
  }, 60_000);

  it('thin path: create an org key, read incidents through the gateway, revoke, 401', async () => {
    const k = await orgKey({ access: 'read' });
    const ok = await gw.request('GET', `/v1/status-pages/${p1}/incidents`, { key: k.key, token: k.consistencyToken });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual([]);
    const revoked = await admin.del(`/v1/api-keys/${k.id}`);
    expect(revoked.status).toBe(200);
    const after = await gw.request('GET', `/v1/status-pages/${p1}/incidents`, { key: k.key, token: revoked.body.consistencyToken });
    expect(after.status).toBe(401);
    expect(after.body).toEqual({ error: 'invalid_api_key' });
  });

  describe("DESIGN.md's role table, every row and column", () => {
    // permission -> [owner, admin, editor, viewer, billing, org read, org read_write]
    const TABLE: Record<string, string> = {
      'status_page:read': 'YYYY-YY',
      'status_page:write': 'YY----Y',
      'status_page:delete': 'Y------',
      'incident:read': 'YYYY-YY',
      'incident:write': 'YYY---Y',
      'subscription:read': 'YY---YY',
      'subscription:write': 'YY----Y',
      'member:read': 'YY-----',
      'billing:read': 'Y---Y--',
    };
    const PRINCIPALS = ['owner', 'admin', 'editor', 'viewer', 'billing', 'org:read', 'org:read_write'];
    const requestFor = (permission: string, n: number): [string, string, unknown?] => {
      switch (permission) {
        case 'status_page:read': return ['GET', `/v1/status-pages/${p1}`];
        case 'status_page:write': return ['PATCH', `/v1/status-pages/${p1}`, { name: `renamed ${n}` }];
        case 'status_page:delete': return ['DELETE', `/v1/status-pages/${p2}`];
        case 'incident:read': return ['GET', `/v1/status-pages/${p1}/maintenances`];
        case 'incident:write': return ['POST', `/v1/status-pages/${p1}/incidents`, { title: 'Down', status: 'investigating' }];
        case 'subscription:read': return ['GET', `/v1/status-pages/${p1}/subscriptions`];
        case 'subscription:write': return ['POST', `/v1/status-pages/${p1}/subscriptions`, { email: `s${n}-${randomUUID().slice(0, 6)}@example.com` }];
        case 'member:read': return ['GET', `/v1/orgs/${org}/members`];
        case 'billing:read': return ['GET', `/v1/orgs/${org}/invoices`];
        default: throw new Error(permission);
      }
    };
    const keys: Record<string, { key: string; consistencyToken: string }> = {};

    beforeAll(async () => {
      for (const p of PRINCIPALS) {
        keys[p] = p.startsWith('org:') ? await orgKey({ access: p.slice(4) }) : await userKey(`role-${p}`, { role: p });
      }
    });

    it.each(PRINCIPALS.map((p, col) => [p, col]))('%s', async (principal, col) => {
      const { key, consistencyToken } = keys[principal as string];
      let n = 0;
      for (const [permission, row] of Object.entries(TABLE)) {
        const [method, path, body] = requestFor(permission, n++);
        const res = await gw.request(method, path, { key, body, token: consistencyToken });
        const allowed = row[col as number] === 'Y';
        const seeable = principal !== 'billing' || permission === 'member:read' || permission === 'billing:read';
        const expected = allowed ? (method === 'POST' ? 201 : method === 'DELETE' ? 204 : 200) : seeable ? 403 : 404;
        expect({ principal, permission, status: res.status }).toEqual({ principal, permission, status: expected });
        if (expected === 403) expect(res.body).toEqual({ error: 'insufficient_permissions', required: permission });
        if (expected === 404) expect(res.body).toEqual({ error: 'not_found' });
      }
    });
  });

  it('page-level roles override the org role, both ways, and page-only members see only their pages', async () => {
    const up = await userKey('up', { role: 'viewer', pageRoles: { [p1]: 'editor' } });
    expect((await gw.request('POST', `/v1/status-pages/${p1}/incidents`, { key: up.key, token: up.consistencyToken, body: { title: 't', status: 'identified' } })).status).toBe(201);
    expect((await gw.request('POST', `/v1/status-pages/${p2}/incidents`, { key: up.key, body: { title: 't', status: 'identified' } })).status).toBe(403);

    const down = await userKey('down', { role: 'admin', pageRoles: { [p2]: 'viewer' } });
    expect((await gw.request('PATCH', `/v1/status-pages/${p1}`, { key: down.key, token: down.consistencyToken, body: { name: 'x' } })).status).toBe(200);
    expect((await gw.request('PATCH', `/v1/status-pages/${p2}`, { key: down.key, body: { name: 'x' } })).status).toBe(403);

    const pageOnly = await userKey('pageonly', { pageRoles: { [p2]: 'owner' } });
    expect((await gw.request('GET', `/v1/status-pages/${p2}/incidents`, { key: pageOnly.key, token: pageOnly.consistencyToken })).status).toBe(200);
    expect((await gw.request('GET', `/v1/status-pages/${p1}/incidents`, { key: pageOnly.key })).status).toBe(404);
    expect((await gw.request('GET', `/v1/orgs/${org}/members`, { key: pageOnly.key })).status).toBe(403);
    const list = await gw.request('GET', '/v1/status-pages', { key: pageOnly.key });
    expect(list.body).toEqual([{ id: p2, name: p2 }]);
  });

  it('narrows both key types and isolates tenants', async () => {
    const narrowOrg = await orgKey({ access: 'read_write', statusPageIds: [p1] });
    expect((await gw.request('GET', `/v1/status-pages/${p1}/services`, { key: narrowOrg.key, token: narrowOrg.consistencyToken })).status).toBe(200);
    expect((await gw.request('GET', `/v1/status-pages/${p2}/services`, { key: narrowOrg.key })).status).toBe(404);
    expect((await gw.request('GET', '/v1/status-pages', { key: narrowOrg.key })).body).toEqual([{ id: p1, name: expect.any(String) }]);

    const readOwner = await userKey('readowner', { role: 'owner' }, { access: 'read' });
    expect((await gw.request('GET', `/v1/orgs/${org}/members`, { key: readOwner.key, token: readOwner.consistencyToken })).status).toBe(200);
    const w = await gw.request('POST', `/v1/status-pages/${p1}/incidents`, { key: readOwner.key, body: { title: 't', status: 'resolved' } });
    expect(w).toMatchObject({ status: 403, body: { error: 'insufficient_permissions', required: 'incident:write' } });
    const narrowOwner = await userKey('narrowowner', { role: 'owner' }, { statusPageIds: [p2] });
    expect((await gw.request('GET', `/v1/orgs/${org}/invoices`, { key: narrowOwner.key, token: narrowOwner.consistencyToken })).status).toBe(403);

    const theirs = await orgKey({ access: 'read_write' }, otherOrg);
    for (const [method, path] of [['GET', `/v1/status-pages/${p1}`], ['GET', `/v1/status-pages/${p1}/incidents`], ['GET', `/v1/orgs/${org}/members`], ['DELETE', `/v1/status-pages/${p1}`]]) {
      const r = await gw.request(method, path, { key: theirs.key, token: theirs.consistencyToken });
      expect({ path, status: r.status, body: r.body }).toEqual({ path, status: 404, body: { error: 'not_found' } });
    }
    const own = await gw.request('GET', `/v1/status-pages/${otherOrg}-p1/incidents`, { key: theirs.key });
    expect(own.status).toBe(200);
  });

  it('follows role downgrades and member removal at once', async () => {
    const k = await userKey('changing', { role: 'admin' });
    expect((await gw.request('PATCH', `/v1/status-pages/${p1}`, { key: k.key, token: k.consistencyToken, body: { name: 'a' } })).status).toBe(200);
    const downgraded = await admin.put(`/v1/orgs/${org}/members/changing`, { role: 'viewer' });
    const r = await gw.request('PATCH', `/v1/status-pages/${p1}`, { key: k.key, token: downgraded.body.consistencyToken, body: { name: 'b' } });
    expect(r.status).toBe(403);
    const removed = await admin.del(`/v1/orgs/${org}/members/changing`);
    const gone = await gw.request('GET', `/v1/status-pages/${p1}`, { key: k.key, token: removed.body.consistencyToken, ip: freshIp() });
    expect(gone).toMatchObject({ status: 401, body: { error: 'invalid_api_key' } });
  });

  it('ends keys at expiry and rolled keys at the end of their grace', async () => {
    const expiring = await orgKey({ expiresAt: new Date(Date.now() + 2500).toISOString() });
    expect((await gw.request('GET', `/v1/status-pages/${p1}`, { key: expiring.key, token: expiring.consistencyToken })).status).toBe(200);

    const old = await orgKey({ access: 'read' });
    const rolled = await admin.post(`/v1/api-keys/${old.id}/roll`, { gracePeriodSeconds: 2 });
    expect(rolled.status).toBe(201);
    expect((await gw.request('GET', `/v1/status-pages/${p1}`, { key: rolled.body.key, token: rolled.body.consistencyToken })).status).toBe(200);
    expect((await gw.request('GET', `/v1/status-pages/${p1}`, { key: old.key })).status).toBe(200);

    await new Promise((r) => setTimeout(r, 2700));
    const ipA = freshIp();
    expect((await gw.request('GET', `/v1/status-pages/${p1}`, { key: expiring.key, ip: ipA })).status).toBe(401);
    expect((await gw.request('GET', `/v1/status-pages/${p1}`, { key: old.key, ip: ipA })).status).toBe(401);
    expect((await gw.request('GET', `/v1/status-pages/${p1}`, { key: rolled.body.key })).status).toBe(200);
  });

  it('enforces IP allowlists (v4 and v6)', async () => {
    const k = await orgKey({ allowedIps: ['10.0.0.0/8', '2001:db8::/32'] });
    expect((await gw.request('GET', `/v1/status-pages/${p1}`, { key: k.key, token: k.consistencyToken, ip: '10.1.2.3' })).status).toBe(200);
    expect((await gw.request('GET', `/v1/status-pages/${p1}`, { key: k.key, ip: '2001:db8::42' })).status).toBe(200);
    const denied = await gw.request('GET', `/v1/status-pages/${p1}`, { key: k.key, ip: '192.0.2.1' });
    expect(denied).toMatchObject({ status: 403, body: { error: 'ip_not_allowed' } });
    expect((await gw.request('GET', `/v1/status-pages/${p1}`, { key: k.key, ip: '2001:db9::1' })).status).toBe(403);
  });

  it('answers one uniform 401 for bad keys, ignores keys in query strings, and limits failures per address', async () => {
    const k = await orgKey({});
    const ipB = freshIp();
    const tampered = k.key.slice(0, -1) + (k.key.endsWith('a') ? 'b' : 'a');
    const unknown = 'sp_org_' + 'A'.repeat(43) + 'AAAAAA';
    for (const opts of [{}, { key: 'garbage' }, { key: tampered }, { key: unknown }, { headers: { authorization: `Basic ${k.key}` } }]) {
      const r = await gw.request('GET', `/v1/status-pages/${p1}`, { ...opts, ip: ipB });
      expect(r).toMatchObject({ status: 401, body: { error: 'invalid_api_key' } });
    }
    expect((await gw.request('GET', `/v1/status-pages/${p1}?api_key=${k.key}`, { ip: ipB })).status).toBe(401);
    expect((await gw.request('GET', `/v1/status-pages/${p1}`, { headers: { 'x-api-key': k.key }, token: k.consistencyToken })).status).toBe(200);

    const ipC = freshIp();
    let limited: { status: number; headers: Headers } | null = null;
    for (let i = 0; i < 25 && !limited; i++) {
      const r = await gw.request('GET', `/v1/status-pages/${p1}`, { key: 'nope', ip: ipC });
      if (r.status === 429) limited = r;
    }
    expect(limited?.status).toBe(429);
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another address is not affected.
    expect((await gw.request('GET', `/v1/status-pages/${p1}`, { key: k.key, ip: freshIp() })).status).toBe(200);
  });

  it('authenticates each request on one keep-alive connection for the key it presents; a revocation applies to the next one', async () => {
    const a = await orgKey({ access: 'read' });
    const b = await orgKey({ access: 'read' }, otherOrg);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const sockets = new Set<unknown>();
    const clientIp = freshIp();
    const get = (headers: Record<string, string>) =>
      new Promise<{ status: number; body: unknown }>((resolve, reject) => {
        const req = http.get('http://127.0.0.1:3200/v1/status-pages', { agent, headers: { 'x-forwarded-for': clientIp, ...headers } }, (res) => {
          sockets.add(res.socket);
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
        });
        req.on('error', reject);
      });
    const bearer = (key: string, token?: string) => ({ authorization: `Bearer ${key}`, ...(token ? { 'x-consistency-token': token } : {}) });
    const ours = { status: 200, body: expect.arrayContaining([expect.objectContaining({ id: p1 }), expect.objectContaining({ id: p2 })]) };
    const theirs = { status: 200, body: [{ id: `${otherOrg}-p1`, name: 'theirs' }] };
    try {
      expect(await get(bearer(a.key, a.consistencyToken))).toMatchObject(ours);
      expect(await get(bearer(a.key))).toMatchObject(ours);
      expect(await get(bearer(b.key, b.consistencyToken))).toEqual(theirs);
      const tampered = b.key.slice(0, -1) + (b.key.endsWith('a') ? 'b' : 'a');
      expect(await get(bearer(tampered))).toEqual({ status: 401, body: { error: 'invalid_api_key' } });
      expect(await get({ 'x-api-key': b.key })).toEqual(theirs);
      expect(await get({})).toEqual({ status: 401, body: { error: 'invalid_api_key' } });
      expect(await get(bearer(a.key))).toMatchObject(ours);
      const revoked = await admin.del(`/v1/api-keys/${a.id}`);
      expect(revoked.status).toBe(200);
      expect(await get(bearer(a.key, revoked.body.consistencyToken))).toEqual({ status: 401, body: { error: 'invalid_api_key' } });
      expect(await get(bearer(a.key))).toEqual({ status: 401, body: { error: 'invalid_api_key' } });
      expect(await get(bearer(b.key))).toEqual(theirs);
      expect(sockets.size).toBe(1); // all of it on one connection
    } finally {
      agent.destroy();
    }
  });

  it('rate-limits per key with Retry-After', async () => {
    const k = await orgKey({});
    await gw.request('GET', `/v1/status-pages/${p1}`, { key: k.key, token: k.consistencyToken });
    const answers = await Promise.all(Array.from({ length: 80 }, () => gw.request('GET', '/v1/status-pages', { key: k.key })));
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0].body).toEqual({ error: 'rate_limited' });
    expect(Number(limited[0].headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('honours consistency tokens: malformed is 400, a change the view has not seen is 503 after a bounded wait', async () => {
    const k = await orgKey({});
    expect((await gw.request('GET', `/v1/status-pages/${p1}`, { key: k.key, token: 'garbage' })).status).toBe(400);
    const future = encodeConsistencyToken({ orgId: org, aggregateId: k.id, aggregateVersion: 99 });
    const started = Date.now();
    const r = await gw.request('GET', `/v1/status-pages/${p1}`, { key: k.key, token: future });
    expect(r).toMatchObject({ status: 503, body: { error: 'view_not_fresh' } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
  });

  it('routes outside the policy table are 404, and bodies are validated upstream', async () => {
    const k = await orgKey({ access: 'read_write' });
    expect((await gw.request('GET', `/v1/status-pages/${p1}`, { key: k.key, token: k.consistencyToken })).status).toBe(200);
    expect((await gw.request('GET', '/v1/anything', { key: k.key })).status).toBe(404);
    expect((await gw.request('PUT', `/v1/status-pages/${p1}`, { key: k.key })).status).toBe(404);
    const bad = await gw.request('POST', `/v1/status-pages/${p1}/incidents`, { key: k.key, body: { title: '', status: 'exploded' } });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['status', 'title']);
    const created = await gw.request('POST', `/v1/status-pages/${p1}/incidents`, { key: k.key, body: { title: 'API down', status: 'investigating' } });
    expect(created.status).toBe(201);
    const one = await gw.request('GET', `/v1/status-pages/${p1}/incidents/${created.body.id}`, { key: k.key });
    expect(one.body).toMatchObject({ title: 'API down', status: 'investigating' });
  });

  it('publishes every decision as a usage event, audited by key-service, and exposes metrics', async () => {
    const k = await orgKey({});
    await gw.request('GET', `/v1/status-pages/${p1}/incidents`, { key: k.key, token: k.consistencyToken });
    await gw.request('POST', `/v1/status-pages/${p1}/incidents`, { key: k.key, body: { title: 't', status: 'resolved' } });
    const usage = await waitUntil(async () => {
      const r = await admin.get(`/v1/api-keys/${k.id}/usage`);
      return r.body.uses?.length >= 2 && r.body.lastUsedAt !== null ? r.body : null;
    });
    expect(usage.uses.map((u: { decision: string; status: number }) => `${u.decision}:${u.status}`).sort()).toEqual(['allow:200', 'deny:403']);
    expect(usage.lastUsedAt).not.toBeNull();
    const metrics = await fetch(`${system.gatewayInternalUrl}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/gateway_decisions_total\{outcome="allow"\} \d+/);
    expect(metrics).toMatch(/gateway_revocation_propagation_seconds_count \d+/);
    // Every decision (allowed, denied, or an unknown key) is also timed: as many observations as decisions.
    const decisions = [...metrics.matchAll(/^gateway_decisions_total\{outcome="[a-z_]+"\} (\d+)$/gm)].reduce((n, m) => n + Number(m[1]), 0);
    expect(decisions).toBeGreaterThan(0);
    expect(metrics).toContain(`gateway_decision_duration_seconds_count ${decisions}\n`);
  });

  describe('issue 18: the public contract on Nest and Fastify', () => {
    it('accepts a bare Authorization key and refuses two different keys in one request', async () => {
      const k = await orgKey({ access: 'read' });
      const other = await orgKey({ access: 'read' });
      const bare = await gw.request('GET', `/v1/status-pages/${p1}`, { headers: { authorization: k.key }, token: k.consistencyToken });
      expect(bare.status).toBe(200);
      const ipD = freshIp();
      const two = await gw.request('GET', `/v1/status-pages/${p1}`, { key: k.key, headers: { 'x-api-key': other.key }, token: other.consistencyToken, ip: ipD });
      expect(two).toMatchObject({ status: 401, body: { error: 'invalid_api_key' } });
      const same = await gw.request('GET', `/v1/status-pages/${p1}`, { key: k.key, headers: { 'x-api-key': k.key } });
      expect(same.status).toBe(200);
    });

    it('takes the client address the trusted proxy appended, not a client-written X-Forwarded-For entry', async () => {
      const k = await orgKey({ allowedIps: ['10.0.0.0/8'] });
      const spoofed = await gw.request('GET', `/v1/status-pages/${p1}`, { key: k.key, token: k.consistencyToken, ip: '10.1.2.3, 192.0.2.7' });
      expect(spoofed).toMatchObject({ status: 403, body: { error: 'ip_not_allowed' } });
      const real = await gw.request('GET', `/v1/status-pages/${p1}`, { key: k.key, ip: '192.0.2.7, 10.1.2.3' });
      expect(real.status).toBe(200);
    });

    it('status-page-api refuses identities the gateway did not sign (unsigned, badly signed, expired): 401', async () => {
      const upstream = `http://127.0.0.1:3203/v1/orgs/${org}/invoices`;
      const path = `/v1/orgs/${org}/invoices`;
      const identity = { orgId: org, keyId: 'key_x', principal: 'org', permission: 'billing:read' };
      const attempts: Record<string, Record<string, string>> = {
        unsigned: { [IDENTITY_HEADERS.orgId]: org },
        'signed with another secret': signedIdentityHeaders(identity, 'GET', path, 'not-the-shared-secret-0123456789abcdef'),
        'signed for another org': { ...signedIdentityHeaders(identity, 'GET', path, system.upstreamSecret), [IDENTITY_HEADERS.orgId]: otherOrg },
        expired: signedIdentityHeaders(identity, 'GET', path, system.upstreamSecret, Date.now() - IDENTITY_SIGNATURE_MAX_AGE_MS - 1000),
      };
      for (const [label, headers] of Object.entries(attempts)) {
        const r = await fetch(upstream, { headers });
        expect({ label, status: r.status, body: await r.json() }).toEqual({ label, status: 401, body: { error: 'missing_identity' } });
      }
      const signed = await fetch(upstream, { headers: signedIdentityHeaders(identity, 'GET', path, system.upstreamSecret) });
      expect(signed.status).toBe(200);
    });

    it('drops identity headers a client sends: the gateway alone speaks for the caller', async () => {
      // An owner of the other org reads its own invoices while sending identity headers (even
      // validly signed ones) naming this org: if they reached the upstream, it would answer 404
      // (the path's org would not be the identity's).
      expect((await admin.put(`/v1/orgs/${otherOrg}/members/forger`, { role: 'owner' })).status).toBeLessThan(300);
      const created = await admin.post(`/v1/orgs/${otherOrg}/members/forger/api-keys`, { name: 'forger' });
      expect(created.status).toBe(201);
      const path = `/v1/orgs/${otherOrg}/invoices`;
      const forged = signedIdentityHeaders({ orgId: org, keyId: 'key_forged', principal: 'org', permission: 'billing:read' }, 'GET', path, system.upstreamSecret);
      const r = await gw.request('GET', path, { key: created.body.key, token: created.body.consistencyToken, headers: forged });
      expect(r.status).toBe(200);
    });

    it('serves /metrics only on the internal port and no view counts in the public readiness', async () => {
      expect((await fetch('http://127.0.0.1:3200/metrics')).status).toBe(404);
      const ready = await fetch('http://127.0.0.1:3200/health/ready').then((r) => r.text());
      expect(ready).not.toMatch(/keys|orgs|members|pages|usage/i);
      expect((await fetch(`${system.gatewayInternalUrl}/v1/status-pages`)).status).toBe(404);
      expect(await fetch(`${system.gatewayInternalUrl}/metrics`).then((r) => r.text())).toMatch(/gateway_view_records\{kind="keys"\} \d+/);
    });

    it('answers 400 with the field for a settings key containing NUL', async () => {
      const k = await orgKey({ access: 'read_write' });
      const r = await gw.request('PATCH', `/v1/status-pages/${p1}`, { key: k.key, token: k.consistencyToken, body: { theme: { 'a\u0000b': 'x' } } });
      expect(r.status).toBe(400);
      expect(r.body.details.map((d: { field: string }) => d.field)).toEqual(['theme']);
    });

    it('documents every route of the policy table with its permission, the key security schemes and the error shapes', async () => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const doc: any = await fetch('http://127.0.0.1:3200/docs-json').then((r) => r.json());
      for (const policy of POLICY_TABLE) {
        const path = policy.path.replace(/:([A-Za-z]+)/g, '{$1}');
        const op = doc.paths[path]?.[policy.method.toLowerCase()];
        expect({ route: `${policy.method} ${path}`, permission: op?.['x-required-permission'] }).toEqual({ route: `${policy.method} ${path}`, permission: policy.permission });
        expect(op.security).toEqual([{ bearer: [] }, { apiKey: [] }, { bareAuthorization: [] }]);
        expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['401', '403', '404', '429']));
        if (policy.method === 'POST') expect(op.requestBody.content['application/json'].schema.properties).toBeDefined();
      }
      expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['apiKey', 'bareAuthorization', 'bearer']);
      expect(doc.components.schemas.InsufficientPermissions.required).toEqual(['error', 'required']);
      expect(Object.keys(doc.paths).filter((p) => !p.startsWith('/v1/'))).toEqual([]);
    });
  });
});
