/**
 * Gateways scaled out (issue 20), with cluster-wide rate limits on (REDIS_URL, the stack's Redis):
 *  (1) aggregate throughput of 1 and of 2 gateways on GET /v1/status-pages (answered by the
 *      gateway from its view: authentication, permission engine, rate limits, usage), the two
 *      sides interleaved, BENCH_ROUNDS x BENCH_DURATION_S each;
 *  (2) the accuracy of a per-key limit: one key loaded through the gateways for 10 s at well over
 *      its limit, admitted / allowed, for 1 gateway, 2 gateways on Redis, and 2 gateways without
 *      it (process-local limits, what there was before).
 * `npm run bench -- gateway-cluster` (tools/run.sh starts a fresh bench stack with Redis), or with a
 * stack of one's own: `SWC_NODE_PROJECT=tsconfig.base.json node -r @swc-node/register bench/gateway-cluster.bench.ts`.
 */
import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { cpus, loadavg, totalmem } from 'node:os';
import { Kafka, logLevel } from 'kafkajs';
import { generateApiKey, hashApiKey } from '@sp/api-keys';
import { TOPICS } from '@sp/contracts';
import { accessEvent, keyCreatedPayload, ServiceProcess, signedMessage, waitUntil } from '@sp/testing';

type Say = (line?: string) => void;

const DURATION = Number(process.env.BENCH_DURATION_S ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
/** Per-key limit of the accuracy runs (per second). */
const LIMIT = Number(process.env.BENCH_CLUSTER_LIMIT ?? 500);
const SYNC_MS = 100;
const PORTS = [3940, 3950];

async function seedKey(): Promise<string> {
  const org = `bench-cluster-${randomUUID().slice(0, 8)}`;
  const { key } = generateApiKey('org');
  const events = [
    accessEvent('OrgUpserted', org, 1, { name: 'Bench' }),
    accessEvent('StatusPageUpserted', org, 1, { pageId: `${org}-p0`, name: 'p0' }),
    accessEvent('KeyCreated', org, 1, keyCreatedPayload(`key_${org}`, hashApiKey(key, process.env.API_KEY_PEPPER ?? ''), { access: 'read' })),
  ];
  const producer = new Kafka({ brokers: (process.env.KAFKA_BROKERS ?? '').split(','), logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  await producer.send({ topic: TOPICS.accessEvents, acks: -1, messages: events.map((e) => signedMessage(e.orgId, e)) });
  await producer.disconnect();
  return key;
}

function gateway(port: number, env: Record<string, string>): ServiceProcess {
  return new ServiceProcess('gateway', port, {
    GATEWAY_PORT: String(port),
    GATEWAY_INTERNAL_PORT: String(port + 1),
    GATEWAY_HOST: '127.0.0.1',
    GATEWAY_UPSTREAM_SECRET: process.env.GATEWAY_UPSTREAM_SECRET ?? `bench-upstream-secret-${randomUUID()}`,
    // No permissions-service runs here: replay the (fresh) topic at once instead of waiting for a snapshot.
    VIEW_SNAPSHOT_TIMEOUT_MS: '0',
    RATE_LIMIT_SYNC_MS: String(SYNC_MS),
    RATE_LIMIT_REDIS_PREFIX: `bench-${randomUUID().slice(0, 8)}:`,
    AUTH_FAILURES_PER_MINUTE: '10000000',
    LOG_LEVEL: 'warn',
    ...env,
  });
}

/** The gateways loaded at once with one key, CONNECTIONS connections in all (split between them). */
async function load(gws: ServiceProcess[], key: string, seconds: number): Promise<{ rps: number; admitted: number; p50: number; p99: number; errors: number }> {
  const results = await Promise.all(
    gws.map((g) =>
      autocannon({ url: `${g.url}/v1/status-pages`, headers: { authorization: `Bearer ${key}` }, connections: Math.ceil(CONNECTIONS / gws.length), duration: seconds }),
    ),
  );
  const sum = (f: (r: autocannon.Result) => number) => results.reduce((n, r) => n + f(r), 0);
  return {
    rps: sum((r) => r.requests.total) / seconds,
    admitted: sum((r) => r['2xx']),
    p50: Math.max(...results.map((r) => r.latency.p50)),
    p99: Math.max(...results.map((r) => r.latency.p99)),
    errors: sum((r) => r.errors + r.timeouts),
  };
}

async function started(gws: ServiceProcess[], key: string): Promise<ServiceProcess[]> {
  await Promise.all(gws.map((g) => g.start(120_000)));
  for (const g of gws) await waitUntil(async () => (await fetch(`${g.url}/v1/status-pages`, { headers: { authorization: `Bearer ${key}` } })).status === 200, 30_000);
  return gws;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

export async function benchGatewayCluster(say: Say = (line = '') => process.stdout.write(`${line}\n`)): Promise<void> {
  if (!process.env.KAFKA_BROKERS || !process.env.REDIS_URL) throw new Error('run through npm run bench (tools/run.sh starts the stack, Redis included)');
  const loadBefore = loadavg();
  const key = await seedKey();
  const unlimited = { RATE_LIMIT_KEY_PER_SECOND: '10000000', RATE_LIMIT_ORG_PER_SECOND: '10000000' };

  // (1) Throughput, cluster-wide limits on (high enough that every request is admitted and counted).
  const prefix = `bench-${randomUUID().slice(0, 8)}:`;
  const gws = await started(PORTS.map((p) => gateway(p, { ...unlimited, RATE_LIMIT_REDIS_PREFIX: prefix })), key);
  const one: Awaited<ReturnType<typeof load>>[] = [];
  const two: Awaited<ReturnType<typeof load>>[] = [];
  try {
    await load(gws, key, 3); // warm-up
    for (let i = 0; i < ROUNDS; i++) {
      const sides = [async () => one.push(await load(gws.slice(0, 1), key, DURATION)), async () => two.push(await load(gws, key, DURATION))];
      if (i % 2 === 1) sides.reverse();
      for (const side of sides) await side();
    }
  } finally {
    await Promise.all(gws.map((g) => g.stop()));
  }
  say(`### Gateways scaled out: aggregate throughput with cluster-wide rate limits (Redis, sync every ${SYNC_MS} ms)`);
  say();
  say(`GET /v1/status-pages with one key, ${CONNECTIONS} connections in all, ${ROUNDS} x ${DURATION} s per side, interleaved; gateways not pinned (they share the machine's ${cpus().length} CPUs with autocannon).`);
  say();
  say('| gateways | req/s (mean of rounds) | p50 ms (worst) | p99 ms (worst) | errors |');
  say('|---|---|---|---|---|');
  for (const [label, xs] of [['1', one], ['2', two]] as const) {
    say(`| ${label} | ${mean(xs.map((x) => x.rps)).toFixed(0)} | ${Math.max(...xs.map((x) => x.p50)).toFixed(1)} | ${Math.max(...xs.map((x) => x.p99)).toFixed(1)} | ${xs.reduce((n, x) => n + x.errors, 0)} |`);
  }
  say();
  say(`**2 gateways / 1 gateway = ${(mean(two.map((x) => x.rps)) / mean(one.map((x) => x.rps))).toFixed(2)}x**`);
  say();

  // (2) Accuracy of the per-key limit: 2 s to use the first burst, then 10 s measured.
  const limited = { RATE_LIMIT_KEY_PER_SECOND: String(LIMIT), RATE_LIMIT_ORG_PER_SECOND: '10000000' };
  const cases: [string, () => ServiceProcess[]][] = [
    ['1 gateway, Redis', () => [gateway(PORTS[0], limited)]],
    ['2 gateways, Redis (cluster-wide)', () => { const p = `bench-${randomUUID().slice(0, 8)}:`; return PORTS.map((port) => gateway(port, { ...limited, RATE_LIMIT_REDIS_PREFIX: p })); }],
    ['2 gateways, no Redis (process-local, as before)', () => PORTS.map((port) => gateway(port, { ...limited, REDIS_URL: '' }))],
  ];
  say(`### Accuracy of a cluster-wide per-key limit (L = ${LIMIT}/s, one key, ${CONNECTIONS} connections, 10 s after a 2 s warm-up)`);
  say();
  say('| gateways | offered req/s | admitted | allowed (L x 10) | admitted / allowed |');
  say('|---|---|---|---|---|');
  for (const [label, make] of cases) {
    const list = await started(make(), key);
    try {
      await load(list, key, 2);
      const r = await load(list, key, 10);
      say(`| ${label} | ${r.rps.toFixed(0)} | ${r.admitted} | ${LIMIT * 10} | ${(r.admitted / (LIMIT * 10)).toFixed(3)} |`);
    } finally {
      await Promise.all(list.map((g) => g.stop()));
    }
  }
  say();
  const loadAfter = loadavg();
  say(`Machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; load average (1/5/15 min) before ${loadBefore.map((x) => x.toFixed(2)).join(' / ')}, after ${loadAfter.map((x) => x.toFixed(2)).join(' / ')}.`);
  say();
}

if (require.main === module) {
  benchGatewayCluster().catch((err: Error) => {
    console.error(err.stack ?? err.message);
    process.exit(1);
  });
}
