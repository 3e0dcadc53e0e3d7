import { readFileSync } from 'node:fs';
import { generateApiKey } from '@sp/api-keys';
import { LiveHeap, waitUntil } from '@sp/testing';
import { Admin, Client, System } from './support/system';

/**
 * Soak: SOAK_MS (default 3 minutes) of traffic at the gateway with known keys (allowed and denied
 * routes, paced under their rate limits) and unknown well-formed keys from ever new client
 * addresses (the gateway trusts one X-Forwarded-For hop here), while the gateway's live heap (what
 * survives a full collection, read over the inspector) and resident memory are sampled. Expected:
 * memory stays bounded (the last third's largest live heap within SOAK_HEAP_MARGIN, default 20 %, of
 * the first third's), known keys keep their answers (200 allowed, 403 denied), unknown keys get 401
 * or 429, nothing answers 5xx or fails to connect. Resident memory is printed, not bounded: it
 * follows the collector's rhythm (a sawtooth of 100 MiB over 3 minutes here), which says nothing of
 * what the gateway keeps.
 */
const SOAK_MS = Number(process.env.SOAK_MS ?? 180_000);
const SAMPLE_MS = 10_000;
const MARGIN = Number(process.env.SOAK_HEAP_MARGIN ?? 0.2);
const INSPECT_PORT = 3899;

describe('soak: known and unknown keys for several minutes', () => {
  const system = new System({ gateway: 3800, keyService: 3801, permissions: 3802, permissionsTcp: 3812, upstream: 3803 }, { TRUST_PROXY: '1' }, [
    `--inspect=127.0.0.1:${INSPECT_PORT}`,
  ]);
  const admin = new Admin('http://127.0.0.1:3801');
  const gw = new Client('http://127.0.0.1:3800');
  const org = `soak-${system.run}`;
  const page = `${org}-main`;

  beforeAll(async () => {
    await system.start();
  }, 180_000);

  let heap: LiveHeap | undefined;

  afterAll(async () => {
    heap?.close();
    await system.stop();
  }, 60_000);

  it(`keeps memory bounded and every answer right for ${Math.round(SOAK_MS / 1000)} s`, async () => {
    expect((await admin.put(`/v1/orgs/${org}`, { name: 'Soak' })).status).toBe(201);
    expect((await admin.put(`/v1/orgs/${org}/status-pages/${page}`, { name: 'Main' })).status).toBe(201);
    expect((await admin.put(`/v1/orgs/${org}/members/ed`, { role: 'viewer' })).status).toBe(201);
    const orgKey = (await admin.post(`/v1/orgs/${org}/api-keys`, { name: 'reader', access: 'read' })).body.key as string;
    const userKey = (await admin.post(`/v1/orgs/${org}/members/ed/api-keys`, { name: 'ed' })).body.key as string;
    await waitUntil(async () => (await gw.request('GET', `/v1/status-pages/${page}/incidents`, { key: userKey })).status === 200, 30_000);

    // Known keys: [key, method, path, body, expected status], each loop paced well under the per-key limit.
    const known: [string, string, string, unknown, number][] = [
      [orgKey, 'GET', `/v1/status-pages/${page}/incidents`, undefined, 200],
      [orgKey, 'GET', '/v1/status-pages', undefined, 200],
      [orgKey, 'POST', `/v1/status-pages/${page}/incidents`, { title: 'Down', status: 'investigating' }, 403],
      [userKey, 'GET', `/v1/status-pages/${page}/incidents`, undefined, 200],
      [userKey, 'POST', `/v1/status-pages/${page}/incidents`, { title: 'Down', status: 'investigating' }, 403],
    ];
    const tally = { known: new Map<string, number>(), unknown: new Map<string, number>(), wrongKnown: [] as string[], errors: [] as string[] };
    const count = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
    const samples: { s: number; rss: number; live: number }[] = [];
    const pid = system.gateway.pid as number;
    heap = await LiveHeap.connect(INSPECT_PORT);
    const started = Date.now();
    const until = started + SOAK_MS;
    const mib = (bytes: number) => Math.round(bytes / 104857.6) / 10;
    const sample = async () => {
      const live = await (heap as LiveHeap).usedAfterGc();
      const kib = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
      samples.push({ s: Math.round((Date.now() - started) / 1000), rss: mib(kib * 1024), live: mib(live) });
    };
    // One sample at a time, from the first one under traffic: the one before it is an idle heap.
    const sampler = (async () => {
      while (Date.now() + SAMPLE_MS <= until) {
        await new Promise((r) => setTimeout(r, SAMPLE_MS));
        await sample();
      }
    })();

    const knownLoop = async (i: number) => {
      for (let n = 0; Date.now() < until; n++) {
        const [key, method, path, body, expected] = known[(i + n) % known.length];
        try {
          const res = await gw.request(method, path, { key, body, ip: `198.51.100.${i + 1}` });
          count(tally.known, String(res.status));
          if (res.status !== expected && tally.wrongKnown.length < 20) tally.wrongKnown.push(`${method} ${path}: ${res.status} (expected ${expected}) ${JSON.stringify(res.body)}`);
        } catch (err) {
          if (tally.errors.length < 20) tally.errors.push(`known: ${(err as Error).message}`);
        }
        await new Promise((r) => setTimeout(r, 25));
      }
    };
    let fresh = 0;
    // Two loops from a few addresses (past the failed-auth limit: 429), two from ever new ones
    // (a new address every 20 requests: the limiter meets ever more clients, 401).
    const unknownLoop = async (i: number) => {
      for (let n = 0; Date.now() < until; n++) {
        const a = i < 2 ? i * 4 + (n % 4) : 1_000 + Math.floor(fresh++ / 20);
        const ip = `10.${(a >> 16) & 255}.${(a >> 8) & 255}.${a & 255}`;
        try {
          const res = await gw.request('GET', `/v1/status-pages/${page}/incidents`, { key: generateApiKey(n % 2 === 0 ? 'org' : 'user').key, ip });
          count(tally.unknown, String(res.status));
        } catch (err) {
          if (tally.errors.length < 20) tally.errors.push(`unknown: ${(err as Error).message}`);
        }
      }
    };
    await Promise.all([...[0, 1, 2].map(knownLoop), ...[0, 1, 2, 3].map(unknownLoop), sampler]);

    const third = Math.max(1, Math.floor(samples.length / 3));
    const firstMax = Math.max(...samples.slice(0, third).map((r) => r.live));
    const lastMax = Math.max(...samples.slice(-third).map((r) => r.live));
    const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
    process.stdout.write(
      `soak ${Math.round((Date.now() - started) / 1000)} s: known ${total(tally.known)} requests ${JSON.stringify(Object.fromEntries(tally.known))}, ` +
        `unknown ${total(tally.unknown)} requests from ${8 + Math.ceil(fresh / 20)} addresses ${JSON.stringify(Object.fromEntries(tally.unknown))}, errors ${tally.errors.length}\n` +
        `gateway live heap after a full collection / RSS (MiB) every ${SAMPLE_MS / 1000} s: ${samples.map((r) => `${r.s}s=${r.live}/${r.rss}`).join(' ')}\n` +
        `largest live heap of the first third ${firstMax} MiB, of the last third ${lastMax} MiB (bound: +${MARGIN * 100} %, ${Math.round(firstMax * (1 + MARGIN))} MiB)\n`,
    );
    expect(tally.errors).toEqual([]);
    expect(tally.wrongKnown).toEqual([]);
    expect([...tally.unknown.keys()].filter((s) => s !== '401' && s !== '429')).toEqual([]);
    expect(tally.unknown.get('429') ?? 0).toBeGreaterThan(0);
    expect(tally.unknown.get('401') ?? 0).toBeGreaterThan(0);
    expect(lastMax).toBeLessThanOrEqual(firstMax * (1 + MARGIN));
    expect(system.gateway.alive).toBe(true);
  }, SOAK_MS + 120_000);
});
