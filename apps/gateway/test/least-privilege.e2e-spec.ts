import { ClientProxyFactory, Transport, type ClientProxy } from '@nestjs/microservices';
import { generateKeyPairSync, sign } from 'node:crypto';
import { firstValueFrom } from 'rxjs';
import { waitUntil } from '@sp/testing';
import { Admin, Client, System } from './support/system';

const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

/**
 * Issue 19 end to end through the gateway: key permissions, leaked keys, removal ends keys, the
 * authenticated `authorize` message pattern, uniform denials, internal checks as key usage, and
 * brute force on the internal token.
 */
describe('least privilege end to end', () => {
  process.env.SECRET_SCANNING_PUBLIC_KEYS = JSON.stringify({ 'gh-1': publicKey.export({ type: 'spki', format: 'pem' }) });
  process.env.STATIC_TOKEN_MAX_FAILURES_PER_MINUTE = '5';
  const system = new System(
    { gateway: 3600, keyService: 3601, permissions: 3602, permissionsTcp: 3612, upstream: 3603 },
    { TRUST_PROXY: 'true', AUTH_FAILURES_PER_MINUTE: '50', CONSISTENCY_WAIT_MS: '2000' },
  );
  const admin = new Admin('http://127.0.0.1:3601');
  const gw = new Client('http://127.0.0.1:3600');
  const permissionsUrl = 'http://127.0.0.1:3602';
  const org = `lp-${system.run}`;
  const p1 = `${org}-p1`;
  const p2 = `${org}-p2`;
  let ip = 0;
  const freshIp = () => `198.51.100.${++ip}`;
  let tcp: ClientProxy;
  const internalToken = process.env.INTERNAL_TOKEN as string;

  beforeAll(async () => {
    await system.start();
    expect((await admin.put(`/v1/orgs/${org}`, { name: 'LP' })).status).toBe(201);
    for (const p of [p1, p2]) expect((await admin.put(`/v1/orgs/${org}/status-pages/${p}`, { name: p })).status).toBe(201);
    tcp = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port: 3612 } });
    await tcp.connect();
  }, 180_000);

  afterAll(async () => {
    await tcp?.close();
    await system.stop();
  }, 60_000);

  async function created(path: string, body: Record<string, unknown>) {
    const r = await admin.post(path, { name: 'k', ...body });
    expect(r.status).toBe(201);
    return r.body as { key: string; id: string; consistencyToken: string };
  }

  it('a key narrowed to permissions gets role ∩ permissions; the 403 names the permission required', async () => {
    const k = await created(`/v1/orgs/${org}/api-keys`, { access: 'read_write', permissions: ['incident:read', 'incident:write'] });
    const ctx = { key: k.key, token: k.consistencyToken, ip: freshIp() };
    expect((await gw.request('GET', `/v1/status-pages/${p1}/incidents`, ctx)).status).toBe(200);
    expect((await gw.request('POST', `/v1/status-pages/${p1}/incidents`, { ...ctx, body: { title: 'Down', status: 'investigating' } })).status).toBe(201);
    const services = await gw.request('POST', `/v1/status-pages/${p1}/services`, { ...ctx, body: { name: 'api' } });
    expect(services.status).toBe(403);
    expect(services.body).toEqual({ error: 'insufficient_permissions', required: 'status_page:write' });
    const subs = await gw.request('GET', `/v1/status-pages/${p1}/subscriptions`, ctx);
    expect(subs.body).toEqual({ error: 'insufficient_permissions', required: 'subscription:read' });

    // A user key: the role's rights, narrowed; never more than the role (a viewer stays read-only).
    expect((await admin.put(`/v1/orgs/${org}/members/vw`, { role: 'viewer' })).status).toBe(201);
    const u = await created(`/v1/orgs/${org}/members/vw/api-keys`, { permissions: ['incident:read', 'incident:write'] });
    const uctx = { key: u.key, token: u.consistencyToken, ip: freshIp() };
    expect((await gw.request('GET', `/v1/status-pages/${p1}/incidents`, uctx)).status).toBe(200);
    const write = await gw.request('POST', `/v1/status-pages/${p1}/incidents`, { ...uctx, body: { title: 'x', status: 'investigating' } });
    expect(write.body).toEqual({ error: 'insufficient_permissions', required: 'incident:write' });
    const page = await gw.request('GET', `/v1/status-pages/${p1}`, uctx);
    expect(page.body).toEqual({ error: 'insufficient_permissions', required: 'status_page:read' });
  });

  it('the internal authorize answer carries the key permissions; denials are uniform and without the principal (HTTP)', async () => {
    const k = await created(`/v1/orgs/${org}/api-keys`, { access: 'read_write', permissions: ['incident:read'] });
    const ask = (body: Record<string, unknown>) =>
      fetch(`${permissionsUrl}/internal/v1/authorize`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', Authorization: `Bearer ${internalToken}` },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as { allowed?: boolean } & Record<string, unknown> }));
    await waitUntil(async () => (await ask({ apiKey: k.key, permission: 'incident:read', statusPageId: p1 })).body.allowed === true);
    const ok = await ask({ apiKey: k.key, permission: 'incident:read', statusPageId: p1 });
    expect(ok.body).toEqual({ allowed: true, reason: 'allowed', principal: { orgId: org, keyId: k.id, type: 'org', permissions: ['incident:read'] } });
    const denied = await ask({ apiKey: k.key, permission: 'incident:write', statusPageId: p1 });
    const revokedKey = await created(`/v1/orgs/${org}/api-keys`, {});
    await admin.del(`/v1/api-keys/${revokedKey.id}`);
    await new Promise((r) => setTimeout(r, 500));
    const revoked = await ask({ apiKey: revokedKey.key, permission: 'incident:write', statusPageId: p1 });
    const unknown = await ask({ apiKey: 'sp_org_not-a-key', permission: 'incident:write', statusPageId: p1 });
    for (const d of [denied, revoked, unknown]) expect(d.body).toEqual({ allowed: false, reason: 'denied', required: 'incident:write', principal: null });
  });

  it('the authorize message pattern requires the internal token, answers uniformly, and is recorded as key usage', async () => {
    const k = await created(`/v1/orgs/${org}/api-keys`, { access: 'read' });
    const send = (payload: Record<string, unknown>) => firstValueFrom(tcp.send('authorize', payload));
    await expect(send({ apiKey: k.key, permission: 'incident:read', statusPageId: p1 })).rejects.toMatchObject({ error: 'unauthorized' });
    await expect(send({ apiKey: k.key, permission: 'incident:read', internalToken: 'wrong-token-wrong' })).rejects.toMatchObject({ error: 'unauthorized' });
    await expect(send({ apiKey: k.key, permission: 'incident:read', internalToken: 42 })).rejects.toMatchObject({ error: 'unauthorized' });
    await waitUntil(async () => (await send({ apiKey: k.key, permission: 'incident:read', statusPageId: p1, internalToken })).allowed === true);
    const denied = await send({ apiKey: k.key, permission: 'incident:write', statusPageId: p1, internalToken });
    expect(denied).toEqual({ allowed: false, reason: 'denied', required: 'incident:write', principal: null });
    await waitUntil(async () => {
      const usage = await admin.get(`/v1/api-keys/${k.id}/usage`);
      const routes = usage.body.uses.map((u: { route: string; decision: string; reason: string }) => `${u.route}:${u.decision}:${u.reason}`);
      return routes.includes('authorize:allow:allowed') && routes.includes('authorize:deny:insufficient_permissions');
    }, 15_000);
    expect((await admin.get(`/v1/api-keys/${k.id}`)).body.lastUsedAt).not.toBeNull();
  });

  it('a reported leak revokes the key at the gateway; a bad signature changes nothing', async () => {
    const k = await created(`/v1/orgs/${org}/api-keys`, {});
    const ctx = { key: k.key, token: k.consistencyToken, ip: freshIp() };
    expect((await gw.request('GET', `/v1/status-pages/${p1}/incidents`, ctx)).status).toBe(200);
    const body = JSON.stringify([{ token: k.key, type: 'statuspal_api_key', url: 'https://gist.github.com/x', source: 'gist' }]);
    const post = (signature: string) =>
      fetch('http://127.0.0.1:3601/v1/secret-scanning/reports', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'Github-Public-Key-Identifier': 'gh-1', 'Github-Public-Key-Signature': signature },
        body,
      });
    expect((await post(sign('sha256', Buffer.from('x'), privateKey).toString('base64'))).status).toBe(401);
    expect((await gw.request('GET', `/v1/status-pages/${p1}/incidents`, ctx)).status).toBe(200);
    const res = await post(sign('sha256', Buffer.from(body), privateKey).toString('base64'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([{ token_raw: k.key, token_type: 'statuspal_api_key', label: 'true_positive' }]);
    await waitUntil(async () => (await gw.request('GET', `/v1/status-pages/${p1}/incidents`, { key: k.key, ip: ctx.ip })).status === 401);
    expect((await admin.get(`/v1/api-keys/${k.id}`)).body.revocation).toEqual({ reason: 'leaked', report: { url: 'https://gist.github.com/x', source: 'gist' } });
  });

  it('removing a member ends their keys at the gateway; re-adding them, even as owner, does not revive them', async () => {
    expect((await admin.put(`/v1/orgs/${org}/members/leaver`, { role: 'editor' })).status).toBe(201);
    const k = await created(`/v1/orgs/${org}/members/leaver/api-keys`, {});
    const ip1 = freshIp();
    expect((await gw.request('GET', `/v1/status-pages/${p1}/incidents`, { key: k.key, token: k.consistencyToken, ip: ip1 })).status).toBe(200);
    const removed = await admin.del(`/v1/orgs/${org}/members/leaver`);
    expect(removed.status).toBe(200);
    expect((await gw.request('GET', `/v1/status-pages/${p1}/incidents`, { key: k.key, token: removed.body.consistencyToken, ip: ip1 })).status).toBe(401);
    const back = await admin.put(`/v1/orgs/${org}/members/leaver`, { role: 'owner' });
    expect(back.status).toBe(201);
    const after = await gw.request('GET', `/v1/status-pages/${p1}/incidents`, { key: k.key, token: back.body.consistencyToken, ip: ip1 });
    expect(after.status).toBe(401);
    expect((await admin.get(`/v1/api-keys/${k.id}`)).body.revocation.reason).toBe('member_removed');
  });

  it('a removed status page is dropped from the keys narrowed to it: not reached again when it comes back', async () => {
    const page = `${org}-gone`;
    expect((await admin.put(`/v1/orgs/${org}/status-pages/${page}`, { name: 'gone' })).status).toBe(201);
    const k = await created(`/v1/orgs/${org}/api-keys`, { statusPageIds: [page, p2] });
    const ctx = { key: k.key, token: k.consistencyToken, ip: freshIp() };
    expect((await gw.request('GET', `/v1/status-pages/${page}/incidents`, ctx)).status).toBe(200);
    expect((await admin.del(`/v1/orgs/${org}/status-pages/${page}`)).status).toBe(200);
    const back = await admin.put(`/v1/orgs/${org}/status-pages/${page}`, { name: 'back' });
    expect(back.status).toBe(201);
    await waitUntil(async () => (await gw.request('GET', `/v1/status-pages/${page}/incidents`, { key: k.key, token: back.body.consistencyToken, ip: ctx.ip })).status === 404);
    expect((await gw.request('GET', `/v1/status-pages/${p2}/incidents`, { key: k.key, ip: ctx.ip })).status).toBe(200);
  });

  it('failed internal token attempts are rate-limited per address: 429 with Retry-After (last: it blocks this address)', async () => {
    const attempt = (token: string) =>
      fetch(`${permissionsUrl}/internal/v1/authorize`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify({ apiKey: 'x', permission: 'incident:read' }),
      });
    // The wrong tokens sent over TCP above already count against this address (limit 5).
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await attempt(`wrong-${i}-wrong-wrong`)).status);
    expect(statuses.slice(0, 2)).toEqual([401, 401]);
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.filter((s) => s !== 401 && s !== 429)).toEqual([]);
    const blocked = await attempt(internalToken);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    // The TCP pattern shares the address's budget.
    await expect(firstValueFrom(tcp.send('authorize', { apiKey: 'x', permission: 'incident:read', internalToken }))).rejects.toMatchObject({ error: 'too_many_failed_authentications' });
  });
});
