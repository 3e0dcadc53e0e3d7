import { randomUUID } from 'node:crypto';
import { generateApiKey } from '@sp/api-keys';
import { encodeConsistencyToken } from '@sp/contracts';
import { ServiceProcess, waitUntil } from '@sp/testing';
import { Admin, Client, System } from './support/system';

/**
 * Fault injection on the real stack, as an operator would meet it: the broker or the database
 * stops answering for 30 s (the local stack's processes paused with SIGSTOP and resumed with
 * SIGCONT), key-service is SIGKILLed in the middle of key creations. README "Failure modes" states
 * the expected behaviour of each; the figures are printed.
 */
const CONSISTENCY_WAIT_MS = 1_000;
const AUTH_FAILURES = 5;

describe('fault injection', () => {
  const system = new System(
    { gateway: 3500, keyService: 3501, permissions: 3502, permissionsTcp: 3512, upstream: 3503 },
    {
      VIEW_MAX_STALENESS_MS: '3000',
      RATE_LIMIT_KEY_PER_SECOND: '10000',
      RATE_LIMIT_ORG_PER_SECOND: '10000',
      CONSISTENCY_WAIT_MS: String(CONSISTENCY_WAIT_MS),
      AUTH_FAILURES_PER_MINUTE: String(AUTH_FAILURES),
      TRUST_PROXY: 'true',
    },
  );
  const admin = new Admin('http://127.0.0.1:3501');
  const gw = new Client('http://127.0.0.1:3500');
  const org = `fault-${system.run}`;
  const page = `${org}-main`;
  const pid = (name: 'STACK_KAFKA_PID' | 'STACK_MONGO_PID') => {
    const value = Number(process.env[name]);
    if (!Number.isInteger(value) || value <= 0) throw new Error(`run through npm test: ${name} (the local stack's process) is required`);
    return value;
  };
  const report = (line: string) => process.stdout.write(`[faults] ${line}\n`);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const ready = async (url: string) => (await fetch(`${url}/health/ready`).catch(() => null))?.status === 200;
  const allReady = async () => (await Promise.all(system.services.map((s) => ready(s.url)))).every(Boolean);
  const allAlive = () => system.services.every((s) => s.alive);

  async function orgKey(name: string) {
    const r = await admin.post(`/v1/orgs/${org}/api-keys`, { name, access: 'read_write' });
    expect(r.status).toBe(201);
    return r.body as { key: string; id: string; consistencyToken: string };
  }

  /** Requests with `key` every 100 ms until stopped; the answers by status. */
  function traffic(key: string, path = `/v1/status-pages/${page}/incidents`) {
    const counts: Record<string, number> = {};
    let stop = false;
    const done = (async () => {
      while (!stop) {
        const status = await gw.request('GET', path, { key }).then((r) => String(r.status), () => 'connection_error');
        counts[status] = (counts[status] ?? 0) + 1;
        await sleep(100);
      }
    })();
    return { counts, stop: async () => { stop = true; await done; } };
  }

  beforeAll(async () => {
    pid('STACK_KAFKA_PID');
    pid('STACK_MONGO_PID');
    await system.start();
    expect((await admin.put(`/v1/orgs/${org}`, { name: 'Faults' })).status).toBe(201);
    expect((await admin.put(`/v1/orgs/${org}/status-pages/${page}`, { name: 'Main' })).status).toBe(201);
  }, 180_000);

  afterAll(async () => {
    for (const name of ['STACK_KAFKA_PID', 'STACK_MONGO_PID'] as const) process.kill(pid(name), 'SIGCONT');
    await system.stop();
  }, 60_000);

  it('broker stopped for 30 s under traffic: the gateway serves within its staleness bound, then fails closed; a revoke made meanwhile takes effect soon after; nothing restarts', async () => {
    const steady = await orgKey('steady');
    const doomed = await orgKey('doomed');
    await waitUntil(async () => (await gw.request('GET', `/v1/status-pages/${page}/incidents`, { key: doomed.key })).status === 200, 30_000);
    const load = traffic(steady.key);
    await sleep(1_000);

    process.kill(pid('STACK_KAFKA_PID'), 'SIGSTOP');
    const pausedAt = Date.now();
    await sleep(5_000);
    const revokeStarted = Date.now();
    const revoke = await admin.del(`/v1/api-keys/${doomed.id}`);
    const revokeMs = Date.now() - revokeStarted;
    const during = await gw.request('GET', `/v1/status-pages/${page}/incidents`, { key: steady.key });
    await sleep(Math.max(0, 30_000 - (Date.now() - pausedAt)));
    process.kill(pid('STACK_KAFKA_PID'), 'SIGCONT');
    const resumedAt = Date.now();

    await waitUntil(async () => (await gw.request('GET', `/v1/status-pages/${page}/incidents`, { key: doomed.key })).status === 401, 30_000, 50);
    const revokedAfterMs = Date.now() - resumedAt;
    await waitUntil(allReady, 60_000, 200);
    const readyAfterMs = Date.now() - resumedAt;
    await load.stop();
    report(`broker outage: answers during and around it ${JSON.stringify(load.counts)}; mid-outage request ${during.status} ${JSON.stringify(during.body)}; revoke answered ${revoke.status} in ${revokeMs} ms; revoked key refused ${revokedAfterMs} ms after the broker returned; every service ready ${readyAfterMs} ms after`);

    expect(revoke.status).toBe(200);
    expect(during).toMatchObject({ status: 503, body: { error: 'view_not_fresh' } });
    expect(Object.keys(load.counts).sort()).toEqual(['200', '503']);
    expect(revokedAfterMs).toBeLessThan(15_000);
    expect(allAlive()).toBe(true);
    expect((await gw.request('GET', `/v1/status-pages/${page}/incidents`, { key: steady.key })).status).toBe(200);
  }, 150_000);

  it('a gateway started while the broker is down listens, reports not ready, and becomes ready by itself once the broker is back', async () => {
    const k = await orgKey('late-start');
    await waitUntil(async () => (await gw.request('GET', '/v1/status-pages', { key: k.key })).status === 200, 30_000);
    const late = new ServiceProcess('gateway', 3520, {
      GATEWAY_PORT: '3520',
      GATEWAY_INTERNAL_PORT: '3521',
      UPSTREAM_URL: 'http://127.0.0.1:3503',
      PERMISSIONS_URL: 'http://127.0.0.1:3502',
    });
    process.kill(pid('STACK_KAFKA_PID'), 'SIGSTOP');
    try {
      const starting = late.start(120_000);
      starting.catch(() => undefined); // awaited below; a start that fails is reported by the live wait with its output
      // CI once saw no answer within 30 s (not reproduced here: about 1 s); the wait is generous and a
      // failure carries the process output, so the next one says why.
      const live = await waitUntil(async () => (await fetch(`${late.url}/health/live`).catch(() => null))?.status === 200, 90_000, 200).catch((err: Error) => {
        throw new Error(`${err.message}; the late gateway ${late.alive ? 'runs' : 'exited'}, its output:\n${late.output.slice(-4000)}`);
      });
      const readyWhileDown = (await fetch(`${late.url}/health/ready`)).status;
      await sleep(15_000);
      const aliveAfter15s = late.alive;
      process.kill(pid('STACK_KAFKA_PID'), 'SIGCONT');
      const resumedAt = Date.now();
      await starting;
      const readyMs = Date.now() - resumedAt;
      const answer = await new Client(late.url).request('GET', '/v1/status-pages', { key: k.key });
      report(`gateway started with the broker down: live ${live}, ready ${readyWhileDown} meanwhile, still running after 15 s: ${aliveAfter15s}; ready ${readyMs} ms after the broker returned; then ${answer.status}`);
      expect(readyWhileDown).toBe(503);
      expect(aliveAfter15s).toBe(true);
      expect(answer.status).toBe(200);
    } finally {
      process.kill(pid('STACK_KAFKA_PID'), 'SIGCONT');
      await late.stop();
    }
  }, 180_000);

  it('database stopped for 30 s: the admin API answers 503 with Retry-After within seconds, the gateway keeps deciding from its view, everything recovers', async () => {
    const k = await orgKey('db-outage');
    await waitUntil(async () => (await gw.request('GET', '/v1/status-pages', { key: k.key })).status === 200, 30_000);

    process.kill(pid('STACK_MONGO_PID'), 'SIGSTOP');
    const pausedAt = Date.now();
    const adminAnswers: { status: number; ms: number; retryAfter: string | null }[] = [];
    const gatewayAnswers: Record<string, number> = {};
    while (Date.now() - pausedAt < 30_000) {
      const started = Date.now();
      const r = await admin.get(`/v1/orgs/${org}/api-keys`);
      adminAnswers.push({ status: r.status, ms: Date.now() - started, retryAfter: r.headers.get('retry-after') });
      const g = await gw.request('GET', '/v1/status-pages', { key: k.key });
      gatewayAnswers[g.status] = (gatewayAnswers[g.status] ?? 0) + 1;
      await sleep(500);
    }
    const proxied = await gw.request('GET', `/v1/status-pages/${page}/incidents`, { key: k.key });
    process.kill(pid('STACK_MONGO_PID'), 'SIGCONT');
    const resumedAt = Date.now();
    await waitUntil(async () => (await admin.get(`/v1/orgs/${org}/api-keys`)).status === 200, 60_000, 100);
    const adminBackMs = Date.now() - resumedAt;
    await waitUntil(allReady, 60_000, 200);
    const slowest = Math.max(...adminAnswers.map((a) => a.ms));
    report(`database outage: admin answers ${JSON.stringify(countBy(adminAnswers.map((a) => a.status)))} (slowest ${slowest} ms, Retry-After ${adminAnswers[0].retryAfter}); gateway-answered route ${JSON.stringify(gatewayAnswers)}; proxied route ${proxied.status}; admin API back ${adminBackMs} ms after the database, every service ready ${Date.now() - resumedAt} ms after`);

    expect(new Set(adminAnswers.map((a) => a.status))).toEqual(new Set([503]));
    expect(adminAnswers.every((a) => a.retryAfter !== null)).toBe(true);
    expect(slowest).toBeLessThan(10_000);
    expect(gatewayAnswers).toEqual({ 200: expect.any(Number) });
    expect(proxied.status).toBe(503);
    expect(allAlive()).toBe(true);
  }, 150_000);

  it('a forged X-Consistency-Token holds no request without a key, and counts against an unknown key\'s address', async () => {
    const forged = encodeConsistencyToken({ orgId: org, aggregateId: 'key_forged', aggregateVersion: 999 });
    const started = Date.now();
    const withoutKey = await Promise.all(Array.from({ length: 100 }, () => gw.request('GET', `/v1/status-pages/${page}`, { token: forged, ip: '198.51.100.200' })));
    const withoutKeyMs = Date.now() - started;
    // Missing keys are failed authentications: 401 at once, then 429 once the address is over its limit.
    expect(withoutKey.slice(0, AUTH_FAILURES).map((r) => r.status)).toEqual(Array(AUTH_FAILURES).fill(401));
    expect(new Set(withoutKey.map((r) => r.status))).toEqual(new Set([401, 429]));
    expect(withoutKeyMs).toBeLessThan(CONSISTENCY_WAIT_MS);

    // A well-formed but unknown key waits for the token (it may name this key's creation) once per
    // attempt, and each attempt counts as a failed authentication: the limit then answers 429 at once.
    const unknown = generateApiKey('org').key;
    const statuses: number[] = [];
    for (let i = 0; i < AUTH_FAILURES + 3; i++) statuses.push((await gw.request('GET', `/v1/status-pages/${page}`, { key: unknown, token: forged, ip: '198.51.100.201' })).status);
    report(`forged consistency token: 100 requests without a key answered ${JSON.stringify(countBy(withoutKey.map((r) => r.status)))} in ${withoutKeyMs} ms; an unknown key with it: ${JSON.stringify(countBy(statuses))}`);
    expect(statuses.slice(0, AUTH_FAILURES)).toEqual(Array(AUTH_FAILURES).fill(503));
    expect(statuses.slice(AUTH_FAILURES)).toEqual([429, 429, 429]);
  }, 120_000);

  it('key-service SIGKILLed in the middle of 300 key creations: every key that got a 201 works, each applied once', async () => {
    const created: { key: string; id: string }[] = [];
    const failures: Record<string, number> = {};
    let next = 0;
    const worker = async () => {
      while (next < 300) {
        next++;
        const r = await admin.post(`/v1/orgs/${org}/api-keys`, { name: `bulk-${randomUUID().slice(0, 6)}`, access: 'read' }).catch(() => null);
        if (r?.status === 201) created.push(r.body);
        else failures[String(r?.status ?? 'connection_error')] = (failures[String(r?.status ?? 'connection_error')] ?? 0) + 1;
        if (r === null) await sleep(200);
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    await waitUntil(() => created.length >= 100, 60_000, 10);
    await system.keyService.kill();
    const killedAt = Date.now();
    await system.keyService.start();
    const restartMs = Date.now() - killedAt;
    await Promise.all(workers);

    const started = Date.now();
    await waitUntil(async () => {
      const statuses = await Promise.all(created.map((c) => gw.request('GET', `/v1/status-pages/${page}/incidents`, { key: c.key }).then((r) => r.status)));
      return statuses.every((s) => s === 200);
    }, 60_000, 500);
    const workingMs = Date.now() - started;
    const listed = await admin.get(`/v1/orgs/${org}/api-keys`);
    const versions = await Promise.all(created.map(async (c) => (await admin.get(`/v1/api-keys/${c.id}`)).body.version));
    report(`key-service SIGKILL: ${created.length} keys got 201, other answers ${JSON.stringify(failures)}; back in ${restartMs} ms; every 201 key working ${workingMs} ms after the last creation; keys listed ${Array.isArray(listed.body) ? listed.body.length : JSON.stringify(listed.body).slice(0, 80)}`);

    expect(created.length).toBeGreaterThanOrEqual(100);
    expect(new Set(created.map((c) => c.id)).size).toBe(created.length);
    expect(versions.every((v) => v === 1)).toBe(true);
  }, 240_000);
});

function countBy(values: (string | number)[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}
