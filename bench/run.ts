/**
 * Benchmarks (npm run bench [-- gateway|proxy|revocation|projection ...]): each comparison runs its
 * two sides in this one process run, interleaved, on the local stack that tools/run.sh started.
 * Results: printed as markdown and written to bench/results/<name>.json.
 */
import autocannon from 'autocannon';
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import mongoose from 'mongoose';
import { generateApiKey, hashApiKey } from '@sp/api-keys';
import { TOPICS, type AccessEvent } from '@sp/contracts';
import { accessEvent, keyCreatedPayload, ServiceProcess, signedMessage } from '@sp/testing';
import { ProjectionService } from '../apps/permissions-service/src/view/projection.service';
import { ViewRepository } from '../apps/permissions-service/src/view/view.repository';
import { benchGatewayCluster } from './gateway-cluster.bench';

const brokers = (process.env.KAFKA_BROKERS ?? '').split(',');
const mongoUri = process.env.MONGODB_URI ?? '';
const pepper = process.env.API_KEY_PEPPER ?? '';
const DURATION = Number(process.env.BENCH_DURATION_S ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const out: string[] = [];
/** CPUs for the services under test; the bench process (autocannon) should run on the others (tools/run.sh pins it). */
const SERVICE_CPUS = process.env.BENCH_SERVICE_CPUS || undefined;
const say = (line = '') => {
  out.push(line);
  console.log(line);
};

interface NewKey {
  key: string;
  id: string;
  consistencyToken: string;
}

interface Load {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  /** CPU time (user + system) the service process spent per request answered, in microseconds; NaN when not measured. */
  cpuUs: number;
}

/** Clock ticks per second of /proc/<pid>/stat's utime and stime. */
const CLOCK_TICKS = clockTicks();

function clockTicks(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  } catch {
    return 100; // Linux's USER_HZ nearly everywhere
  }
}

/** CPU seconds (user + system, all threads) a process has used so far, from /proc/<pid>/stat; NaN without /proc. */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields[0] is the 3rd field, state
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS; // utime (14th) + stime (15th)
  } catch {
    return NaN;
  }
}

/** `pid`: the service answering `url`, whose CPU time per request is measured alongside. */
async function load(url: string, headers: Record<string, string>, duration = DURATION, connections = CONNECTIONS, pid?: number): Promise<Load> {
  const cpuBefore = cpuSeconds(pid);
  const r = await autocannon({ url, headers, duration, connections, pipelining: 1 });
  const cpuUs = ((cpuSeconds(pid) - cpuBefore) * 1e6) / r.requests.total;
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts, non2xx: r.non2xx, cpuUs };
}

/**
 * Moves the local stack (Kafka, FerretDB: BENCH_STACK_PIDS, set by tools/run.sh) and all their
 * threads onto these CPUs, so that during a measurement the service CPU runs only the services
 * under test. A no-op without taskset or without the pids (existing servers).
 */
function pinStack(cpus: string | undefined): void {
  const pids = (process.env.BENCH_STACK_PIDS ?? '').split(' ').filter(Boolean);
  if (cpus === undefined || pids.length === 0) return;
  for (const pid of pids) {
    try {
      execFileSync('taskset', ['-a', '-p', '-c', cpus, pid], { stdio: 'ignore' });
    } catch {
      // gone or not ours: nothing to move
    }
  }
}

/** The CPUs that are not the services' (where the load generator runs), e.g. "0" on a 2-CPU machine. */
const OTHER_CPUS = SERVICE_CPUS === undefined ? undefined : process.env.BENCH_LOAD_CPUS;
/** Every CPU, to give the stack back its whole machine after a measurement. */
const ALL_CPUS = `0-${cpus().length - 1}`;

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

async function publish(events: AccessEvent[]): Promise<void> {
  const producer = new Kafka({ brokers, logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  for (let i = 0; i < events.length; i += 500) {
    await producer.send({ topic: TOPICS.accessEvents, acks: -1, messages: events.slice(i, i + 500).map((e) => signedMessage(e.orgId, e)) });
  }
  await producer.disconnect();
}

/** An org with 20 pages and one read_write org key, published straight to the access topic (signed, as key-service signs). */
async function seedOrg(): Promise<{ org: string; key: string; pages: string[] }> {
  const org = `bench-${randomUUID().slice(0, 8)}`;
  const { key } = generateApiKey('org');
  const pages = Array.from({ length: 20 }, (_, i) => `${org}-p${i}`);
  await publish([
    accessEvent('OrgUpserted', org, 1, { name: 'Bench' }),
    ...pages.map((p) => accessEvent('StatusPageUpserted', org, 1, { pageId: p, name: p })),
    accessEvent('KeyCreated', org, 1, keyCreatedPayload(`key_${org}`, hashApiKey(key, pepper), { access: 'read_write' })),
  ]);
  return { org, key, pages };
}

const gatewayEnv = (port: number, extra: Record<string, string> = {}) => ({
  GATEWAY_PORT: String(port),
  GATEWAY_INTERNAL_PORT: String(port + 100),
  GATEWAY_UPSTREAM_SECRET: process.env.GATEWAY_UPSTREAM_SECRET ?? `bench-upstream-secret-${randomUUID()}`,
  GATEWAY_HOST: '127.0.0.1',
  RATE_LIMIT_KEY_PER_SECOND: '10000000',
  RATE_LIMIT_ORG_PER_SECOND: '10000000',
  LOG_LEVEL: 'warn',
  // No permissions-service runs here: replay the (fresh) topic at once instead of waiting for a snapshot.
  VIEW_SNAPSHOT_TIMEOUT_MS: '0',
  ...extra,
});

/** Pairs of short runs for (a): many short, alternating runs average out a shared machine's drift. */
const GATEWAY_PAIRS = Number(process.env.BENCH_GATEWAY_PAIRS ?? 30);
const GATEWAY_SLICE_S = Number(process.env.BENCH_GATEWAY_SLICE_S ?? 3);

/** The fixed answer of (b)'s bare upstream: 5 incidents, as status-page-api would list them. */
const INCIDENTS = JSON.stringify(Array.from({ length: 5 }, (_, i) => ({ id: `inc_${i}`, title: `Incident ${i}`, status: 'resolved', message: null, createdAt: new Date(0).toISOString() })));

/**
 * Sides measured in GATEWAY_PAIRS rounds of GATEWAY_SLICE_S s runs, each side once per round in a
 * rotating order (after an unmeasured 5 s warm-up each), so drift of a shared machine falls on all.
 */
async function rotatingRounds(sides: { url: string; pid: number | undefined }[], headers: Record<string, string>): Promise<Load[][]> {
  for (const side of sides) await load(side.url, headers, 5); // warm-up (JIT), not measured
  const results: Load[][] = sides.map(() => []);
  for (let round = 0; round < GATEWAY_PAIRS; round++) {
    for (let k = 0; k < sides.length; k++) {
      const i = (round + k) % sides.length;
      results[i].push(await load(sides[i].url, headers, GATEWAY_SLICE_S, CONNECTIONS, sides[i].pid));
    }
  }
  return results;
}

function median(xs: number[]): number {
  return pct(xs, 50);
}


/**
 * 95 % bootstrap interval of mean(a) / mean(b) over paired samples (a[i] and b[i] ran side by
 * side): resamples the pairs with replacement, 10,000 times, with a fixed seed so a rerun on the
 * same figures prints the same interval. It says how far the machine's noise alone moves the ratio.
 */
function ratioInterval(a: number[], b: number[]): [number, number] {
  let seed = 0x5eed;
  const random = () => {
    // mulberry32
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const ratios: number[] = [];
  for (let r = 0; r < 10_000; r++) {
    let sa = 0;
    let sb = 0;
    for (let i = 0; i < a.length; i++) {
      const j = Math.floor(random() * a.length);
      sa += a[j];
      sb += b[j];
    }
    ratios.push(sa / sb);
  }
  return [pct(ratios, 2.5), pct(ratios, 97.5)];
}

function interval([lo, hi]: [number, number]): string {
  return `95 % interval ${lo.toFixed(3)}-${hi.toFixed(3)}`;
}

/** A bare node:http server (bench/bare-server.js) answering `body` to every request, pinned to `cpus`. */
function startBare(port: number, body: string, cpus: string | undefined): Promise<Started> {
  return startScript('bare-server.js', { BARE_PORT: String(port), BARE_BODY_BASE64: Buffer.from(body).toString('base64') }, cpus);
}

interface Started {
  pid: number | undefined;
  stop: () => Promise<void>;
}

/** A script of bench/ as its own node process pinned to `cpus`, once it printed its first line (listening). */
async function startScript(script: string, env: Record<string, string>, cpus: string | undefined): Promise<Started> {
  const path = join(__dirname, script);
  const [command, argv] = cpus ? ['taskset', ['-c', cpus, process.execPath, path]] : [process.execPath, [path]];
  const child = spawn(command, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return {
    pid: child.pid,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * A built service (ServiceProcess), refused when something already answers on its port: a process
 * left over from an earlier run would answer the readiness check and be measured instead.
 */
async function startService(app: string, port: number, env: Record<string, string>, cpus?: string, nodeArgs: string[] = []): Promise<ServiceProcess> {
  const inUse = await fetch(`http://127.0.0.1:${port}/health/live`).then(() => true, () => false);
  if (inUse) throw new Error(`port ${port} is already in use (a process left from an earlier run?)`);
  return new ServiceProcess(app, port, env, cpus, nodeArgs).start();
}

/** `node --cpu-prof` for the gateway under test when BENCH_CPU_PROF names a directory (profiles are written at exit). */
const PROFILE_ARGS = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];

/** Pairs of a new-connection-per-request run in (a). */
const FRESH_CONNECTION_PAIRS = Number(process.env.BENCH_FRESH_CONNECTION_PAIRS ?? 10);

function table(sides: [string, Load[]][]): void {
  say('| side | req/s (mean) | p50 ms | p99 ms | CPU us/request | non-2xx | errors |');
  say('|---|---|---|---|---|---|---|');
  for (const [label, xs] of sides) {
    say(`| ${label} | ${mean(xs.map((x) => x.rps)).toFixed(0)} | ${mean(xs.map((x) => x.p50)).toFixed(2)} | ${mean(xs.map((x) => x.p99)).toFixed(2)} | ${mean(xs.map((x) => x.cpuUs)).toFixed(1)} | ${xs.reduce((n, x) => n + x.non2xx, 0)} | ${xs.reduce((n, x) => n + x.errors, 0)} |`);
  }
  say();
}

/** `pairs` alternating pairs of runs of a and b (the side going first alternates). */
async function alternate(pairs: number, a: () => Promise<Load>, b: () => Promise<Load>): Promise<[Load[], Load[]]> {
  const as: Load[] = [];
  const bs: Load[] = [];
  for (let i = 0; i < pairs; i++) {
    if (i % 2 === 0) {
      as.push(await a());
      bs.push(await b());
    } else {
      bs.push(await b());
      as.push(await a());
    }
  }
  return [as, bs];
}

function ratioLine(label: string, a: Load[], b: Load[], goal: string): number {
  const ratio = mean(a.map((x) => x.rps)) / mean(b.map((x) => x.rps));
  const pairRatios = a.map((x, i) => x.rps / b[i].rps);
  say(`**${label} = ${ratio.toFixed(3)}** (ratio of mean req/s, ${interval(ratioInterval(a.map((x) => x.rps), b.map((x) => x.rps)))}; median of the ${a.length} pair ratios ${median(pairRatios).toFixed(3)}, range ${Math.min(...pairRatios).toFixed(2)}-${Math.max(...pairRatios).toFixed(2)}) (goal ${goal})`);
  say();
  return ratio;
}

/**
 * (a) The authenticated, gateway-answered GET /v1/status-pages against a bare node:http server
 * answering the same bytes, both pinned to the service CPU, in alternating pairs of short runs;
 * then the same with a new connection for every request (Connection: close).
 */
async function benchGateway(): Promise<void> {
  const { key } = await seedOrg();
  const gw = await startService('gateway', 3300, gatewayEnv(3300), SERVICE_CPUS, PROFILE_ARGS);
  let bare: Started | undefined;
  try {
    const auth = { authorization: `Bearer ${key}` };
    const gwUrl = 'http://127.0.0.1:3300/v1/status-pages';
    const probe = await fetch(gwUrl, { headers: auth });
    if (probe.status !== 200) throw new Error(`gateway answered ${probe.status}`);
    const body = await probe.text();
    bare = await startBare(3301, body, SERVICE_CPUS);
    const bareUrl = 'http://127.0.0.1:3301/v1/status-pages';
    const barePid = bare.pid;
    // Kafka and the database only idle here (the view is loaded, usage is produced once a second):
    // off the service CPU, so that CPU runs the side under test and nothing else.
    pinStack(OTHER_CPUS);
    if ((await fetch(bareUrl).then((r) => r.text())) !== body) throw new Error('the bare server does not answer the same body');
    // Warm-up (JIT) of both sides, not measured.
    await load(gwUrl, auth, 5);
    await load(bareUrl, auth, 5);

    const [a, b] = await alternate(
      GATEWAY_PAIRS,
      () => load(gwUrl, auth, GATEWAY_SLICE_S, CONNECTIONS, gw.pid),
      () => load(bareUrl, auth, GATEWAY_SLICE_S, CONNECTIONS, barePid),
    );
    const closing = { ...auth, connection: 'close' };
    const [fa, fb] = await alternate(
      FRESH_CONNECTION_PAIRS,
      () => load(gwUrl, closing, GATEWAY_SLICE_S, CONNECTIONS, gw.pid),
      () => load(bareUrl, closing, GATEWAY_SLICE_S, CONNECTIONS, barePid),
    );

    say('### (a) GET /v1/status-pages answered by the gateway (authenticated) vs a bare node:http server answering the same bytes');
    say();
    say(`1. Keep-alive, ${CONNECTIONS} connections, ${GATEWAY_PAIRS} alternating pairs of ${GATEWAY_SLICE_S} s runs, both on CPU ${SERVICE_CPUS ?? '(unpinned)'}:`);
    say();
    table([
      ['gateway (Nest on Fastify: guard with passport strategy, view lookup, engine, rate limits, usage hook, access log)', a],
      ['bare node:http (same bytes)', b],
    ]);
    const ratio = ratioLine('ratio gateway/bare', a, b, '>= 0.5');
    const cpuGw = mean(a.map((x) => x.cpuUs));
    const cpuBare = mean(b.map((x) => x.cpuUs));
    say(`CPU time per request, same runs: gateway ${cpuGw.toFixed(1)} us (goal <= 60), bare ${cpuBare.toFixed(1)} us; bare/gateway = ${(cpuBare / cpuGw).toFixed(3)}.`);
    say();
    say(`2. A new connection for every request (\`Connection: close\`), ${FRESH_CONNECTION_PAIRS} alternating pairs of ${GATEWAY_SLICE_S} s runs:`);
    say();
    table([
      ['gateway, new connection per request', fa],
      ['bare node:http, new connection per request', fb],
    ]);
    const freshRatio = ratioLine('ratio gateway/bare, new connection per request', fa, fb, 'none set');
    save('gateway', { keepAlive: { a, b, ratio, cpuUsGateway: cpuGw, cpuUsBare: cpuBare }, freshConnections: { a: fa, b: fb, ratio: freshRatio } });
  } finally {
    pinStack(ALL_CPUS);
    await Promise.all([gw.stop(), bare?.stop()]);
  }
}

/**
 * A/B of gateway builds (BENCH_GATEWAY_VARIANTS: comma-separated directories under dist/, each
 * holding a main.js built from the variant, e.g. `dist/ab/before,dist/ab/after`) on (a)'s path:
 * every variant and the bare server on the service CPU, in rounds where each runs once, the order
 * rotating; ratios to the bare server of the same round. How an optimisation is shown to pay
 * (BENCHMARKS.md) on a machine whose speed drifts between runs.
 */
async function benchGatewayVariants(): Promise<void> {
  const dirs = (process.env.BENCH_GATEWAY_VARIANTS ?? '').split(',').filter(Boolean);
  if (dirs.length === 0) throw new Error('BENCH_GATEWAY_VARIANTS names no build (e.g. dist/ab/before,dist/ab/after)');
  const { key } = await seedOrg();
  const auth = { authorization: `Bearer ${key}` };
  const gws: { dir: string; port: number; svc: ServiceProcess }[] = [];
  let bare: Started | undefined;
  try {
    for (const [i, dir] of dirs.entries()) {
      const port = 3310 + i;
      // ServiceProcess runs dist/apps/<app>/main.js: a variant's directory relative to dist/apps.
      gws.push({ dir, port, svc: await startService(join('..', '..', dir), port, gatewayEnv(port), SERVICE_CPUS, PROFILE_ARGS) });
    }
    const url = (port: number) => `http://127.0.0.1:${port}/v1/status-pages`;
    const body = await fetch(url(gws[0].port), { headers: auth }).then((r) => (r.status === 200 ? r.text() : Promise.reject(new Error(`${gws[0].dir} answered ${r.status}`))));
    for (const g of gws) if ((await fetch(url(g.port), { headers: auth }).then((r) => r.text())) !== body) throw new Error(`${g.dir} answers another body`);
    bare = await startBare(3309, body, SERVICE_CPUS);
    const barePid = bare.pid;
    pinStack(OTHER_CPUS);
    const sides = [...gws.map((g) => ({ label: g.dir, url: url(g.port), pid: g.svc.pid })), { label: 'bare node:http (same bytes)', url: url(3309), pid: barePid }];
    const results = await rotatingRounds(sides, auth);
    say(`### Gateway builds compared on (a)'s path (${GATEWAY_PAIRS} rounds of ${GATEWAY_SLICE_S} s runs, order rotating, all on CPU ${SERVICE_CPUS ?? '(unpinned)'})`);
    say();
    table(sides.map((side, i) => [side.label, results[i]]));
    const bareRuns = results[results.length - 1];
    for (const [i, g] of gws.entries()) ratioLine(`${g.dir} / bare`, results[i], bareRuns, '>= 0.5');
    for (let i = 1; i < gws.length; i++) ratioLine(`${gws[i].dir} / ${gws[0].dir}`, results[i], results[0], 'none set');
    save('gateway-variants', { variants: dirs, results });
  } finally {
    pinStack(ALL_CPUS);
    await Promise.all([...gws.map((g) => g.svc.stop()), bare?.stop()]);
  }
}

/**
 * (b) A proxied route: through the gateway (authenticated, signed identity, @fastify/reply-from)
 * to a bare upstream, against the same bare upstream called directly. The gateway has the service
 * CPU; the bare upstream runs beside the load generator on the other CPU in both sides, so the two
 * sides differ only by the gateway's hop.
 */
async function benchProxy(): Promise<void> {
  const { key, pages } = await seedOrg();
  const incidents = INCIDENTS;
  const upstream = await startBare(3303, incidents, OTHER_CPUS);
  let gw: ServiceProcess | undefined;
  try {
    gw = await startService('gateway', 3302, gatewayEnv(3302, { UPSTREAM_URL: 'http://127.0.0.1:3303' }), SERVICE_CPUS, PROFILE_ARGS);
    const gwPid = gw.pid;
    pinStack(OTHER_CPUS);
    const path = `/v1/status-pages/${pages[0]}/incidents?limit=5`;
    const auth = { authorization: `Bearer ${key}` };
    const viaGateway = await fetch(`http://127.0.0.1:3302${path}`, { headers: auth }).then((r) => r.text());
    if (viaGateway !== incidents) throw new Error(`gateway proxy answered ${viaGateway.slice(0, 200)}`);
    await load(`http://127.0.0.1:3302${path}`, auth, 5);
    await load(`http://127.0.0.1:3303${path}`, auth, 5);
    const [a, b] = await alternate(
      ROUNDS,
      () => load(`http://127.0.0.1:3302${path}`, auth, DURATION, CONNECTIONS, gwPid),
      () => load(`http://127.0.0.1:3303${path}`, auth, DURATION, CONNECTIONS, upstream.pid),
    );
    say('### (b) GET incidents: through the gateway (auth + signed identity + proxy) vs the same bare upstream called directly');
    say();
    table([
      [`via gateway (gateway on CPU ${SERVICE_CPUS ?? '-'}; CPU column: the gateway's)`, a],
      [`direct (bare upstream on CPU ${OTHER_CPUS ?? '-'}; CPU column: the upstream's)`, b],
    ]);
    const ratio = ratioLine('ratio gateway/direct', a, b, '>= 0.8');
    save('proxy', { a, b, ratio });
  } finally {
    pinStack(ALL_CPUS);
    await Promise.all([gw?.stop(), upstream.stop()]);
  }
}

async function benchRevocation(): Promise<void> {
  const db = `bench_keys_${Date.now()}`;
  const keySvc = await startService('key-service', 3304, { KEY_SERVICE_PORT: '3304', KEY_SERVICE_DB: db, KEY_USAGE_GROUP: `bench-${randomUUID()}`, LOG_LEVEL: 'warn' });
  const gw = await startService('gateway', 3305, gatewayEnv(3305, { AUTH_FAILURES_PER_MINUTE: '10000000' }), SERVICE_CPUS).catch(async (err: Error) => {
    await keySvc.stop();
    throw err;
  });
  const admin = { authorization: `Bearer ${process.env.ADMIN_TOKEN}`, 'content-type': 'application/json' };
  const org = `bench-rev-${randomUUID().slice(0, 8)}`;
  const N = Number(process.env.BENCH_REVOCATIONS ?? 200); // 200, so the p99 is not just the maximum
  try {
    await fetch(`http://127.0.0.1:3304/v1/orgs/${org}`, { method: 'PUT', headers: admin, body: JSON.stringify({ name: 'Rev' }) });
    const measure = async (count = N): Promise<number[]> => {
      const samples: number[] = [];
      for (let i = 0; i < count; i++) {
        const created = await fetch(`http://127.0.0.1:3304/v1/orgs/${org}/api-keys`, { method: 'POST', headers: admin, body: JSON.stringify({ name: `r${i}` }) }).then((r) => r.json() as Promise<NewKey>);
        const auth = { authorization: `Bearer ${created.key}` };
        const ready = await fetch('http://127.0.0.1:3305/v1/status-pages', { headers: { ...auth, 'x-consistency-token': created.consistencyToken } });
        if (ready.status !== 200) throw new Error(`new key answered ${ready.status}`);
        let revokedAt = 0;
        let firstDenied = 0;
        const poller = (async () => {
          while (firstDenied === 0) {
            const r = await fetch('http://127.0.0.1:3305/v1/status-pages', { headers: auth });
            await r.arrayBuffer();
            if (r.status === 401) firstDenied = performance.now();
          }
        })();
        await new Promise((r) => setTimeout(r, 20));
        await fetch(`http://127.0.0.1:3304/v1/api-keys/${created.id}`, { method: 'DELETE', headers: admin }).then((r) => r.arrayBuffer());
        revokedAt = performance.now();
        await poller;
        samples.push(Math.max(0, firstDenied - revokedAt));
      }
      return samples;
    };
    // The stack and the services start fresh for this benchmark: the first revocations also time
    // the broker's and the services' JIT warming up. They are measured and reported on their own
    // row (BENCH_REVOCATION_WARMUP, 100), so the idle row is the steady state and the cold one stays in view.
    const cold = await measure(Number(process.env.BENCH_REVOCATION_WARMUP ?? 100));
    const idle = await measure();
    // Other orgs' events on the topic meanwhile (one every BENCH_STREAM_MS, 20 ms: 50/s): the
    // gateway's consumer handles a batch each time, so what it does per batch lies on the path.
    const streamMs = Number(process.env.BENCH_STREAM_MS ?? 20);
    const streamOrg = `bench-stream-${randomUUID().slice(0, 8)}`;
    const producer = new Kafka({ brokers, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    let streaming = true;
    let streamed = 0;
    const stream = (async () => {
      while (streaming) {
        streamed++;
        await producer.send({ topic: TOPICS.accessEvents, acks: -1, messages: [signedMessage(streamOrg, accessEvent('OrgUpserted', streamOrg, streamed, { name: `v${streamed}` }))] });
        await new Promise((r) => setTimeout(r, streamMs));
      }
    })();
    const streamStarted = performance.now();
    const withStream = await measure().finally(async () => {
      streaming = false;
      await stream;
      await producer.disconnect();
    });
    const streamRate = (streamed * 1000) / (performance.now() - streamStarted);
    const loadKey = await fetch(`http://127.0.0.1:3304/v1/orgs/${org}/api-keys`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'load' }) }).then((r) => r.json() as Promise<NewKey>);
    await fetch('http://127.0.0.1:3305/v1/status-pages', { headers: { authorization: `Bearer ${loadKey.key}`, 'x-consistency-token': loadKey.consistencyToken } });
    let finished: (r: autocannon.Result) => void = () => undefined;
    const done = new Promise<autocannon.Result>((resolve) => (finished = resolve));
    const background = autocannon(
      { url: 'http://127.0.0.1:3305/v1/status-pages', headers: { authorization: `Bearer ${loadKey.key}` }, connections: CONNECTIONS, duration: 600 },
      (_err, result) => finished(result),
    );
    await new Promise((r) => setTimeout(r, 1000));
    const loaded = await measure();
    background.stop();
    const bg = await done;
    say('### (c) Revocation latency: from the revoke call\'s answer to the first 401 at the gateway');
    say();
    say('| condition | samples | p50 ms | p99 ms | max ms |');
    say('|---|---|---|---|---|');
    if (cold.length > 0) say(`| idle, the first after the stack's and the services' start | ${cold.length} | ${pct(cold, 50).toFixed(1)} | ${pct(cold, 99).toFixed(1)} | ${Math.max(...cold).toFixed(1)} |`);
    say(`| idle | ${idle.length} | ${pct(idle, 50).toFixed(1)} | ${pct(idle, 99).toFixed(1)} | ${Math.max(...idle).toFixed(1)} |`);
    say(`| idle, other orgs' events on the topic (${streamRate.toFixed(0)}/s) | ${withStream.length} | ${pct(withStream, 50).toFixed(1)} | ${pct(withStream, 99).toFixed(1)} | ${Math.max(...withStream).toFixed(1)} |`);
    say(`| under load (${CONNECTIONS} connections, ${bg.requests.average.toFixed(0)} req/s on another key) | ${loaded.length} | ${pct(loaded, 50).toFixed(1)} | ${pct(loaded, 99).toFixed(1)} | ${Math.max(...loaded).toFixed(1)} |`);
    say();
    say('Goal: p99 <= 15 ms idle, <= 100 ms loaded.');
    say();
    // Where the time goes: the gateway's own histogram, from the event's occurredAt (key-service's
    // write, same clock) to the view applying it; the rest is the revoke's answer and the polls.
    const metrics = await fetch('http://127.0.0.1:3405/metrics').then((r) => r.text());
    const buckets = [...metrics.matchAll(/^gateway_revocation_propagation_seconds_bucket\{le="([^"]+)"\} (\d+)$/gm)].map((m) => `<= ${m[1]} s: ${m[2]}`);
    say(`Gateway's gateway_revocation_propagation_seconds (write to applied, all conditions, cumulative): ${buckets.join(', ')}.`);
    say();
    save('revocation', { cold, idle, withStream, streamRate, loaded, backgroundRps: bg.requests.average });
  } finally {
    await Promise.all([gw.stop(), keySvc.stop()]);
    const conn = await mongoose.createConnection(mongoUri, { dbName: db }).asPromise();
    await conn.dropDatabase();
    await conn.close();
  }
}

async function benchProjection(): Promise<void> {
  const N = Number(process.env.BENCH_EVENTS ?? 3000);
  const events: AccessEvent[] = [];
  for (let o = 0; events.length < N; o++) {
    const org = `proj-${o}`;
    events.push(accessEvent('OrgUpserted', org, 1, { name: org }));
    for (let p = 0; p < 5; p++) events.push(accessEvent('StatusPageUpserted', org, 1, { pageId: `${org}-p${p}`, name: 'p' }));
    for (let m = 0; m < 5; m++) {
      events.push(accessEvent('MemberUpserted', org, 1, { userId: `u${m}`, role: 'viewer', pageRoles: [] }));
      events.push(accessEvent('MemberUpserted', org, 2, { userId: `u${m}`, role: 'editor', pageRoles: [{ pageId: `${org}-p0`, role: 'owner' }] }));
    }
    for (let k = 0; k < 10; k++) {
      const keyId = `key_${org}_${k}`;
      events.push(accessEvent('KeyCreated', org, 1, keyCreatedPayload(keyId, hashApiKey(keyId, pepper))));
      if (k % 3 === 0) events.push(accessEvent('KeyRevoked', org, 2, { keyId }));
    }
  }
  const run = async (label: string, apply: (p: ProjectionService, batch: AccessEvent[]) => Promise<unknown>) => {
    const db = `bench_proj_${label}_${Date.now()}`;
    const conn = await mongoose.createConnection(mongoUri, { dbName: db, maxPoolSize: 1 }).asPromise();
    const repo = new ViewRepository(conn);
    await repo.ensureIndexes();
    const projection = new ProjectionService(repo);
    const started = performance.now();
    for (let i = 0; i < events.length; i += 500) await apply(projection, events.slice(i, i + 500));
    const seconds = (performance.now() - started) / 1000;
    const snapshot = await repo.snapshot();
    await conn.dropDatabase();
    await conn.close();
    return { eventsPerSecond: events.length / seconds, seconds, snapshot };
  };
  const batched = await run('batched', (p, b) => p.project(b));
  const single = await run('single', (p, b) => p.projectOneByOne(b));
  if (JSON.stringify(batched.snapshot) !== JSON.stringify(single.snapshot)) throw new Error('the two paths built different views');
  say(`### Projection throughput (permissions-service view on the local MongoDB-wire database, ${events.length} events)`);
  say();
  say('| path | events/s | seconds |');
  say('|---|---|---|');
  say(`| batched (500 per batch: one read + one bulk write per record kind) | ${batched.eventsPerSecond.toFixed(0)} | ${batched.seconds.toFixed(2)} |`);
  say(`| one read + one write per event | ${single.eventsPerSecond.toFixed(0)} | ${single.seconds.toFixed(2)} |`);
  say();
  say(`**batched / per-event = ${(batched.eventsPerSecond / single.eventsPerSecond).toFixed(1)}x** (both paths produced identical views)`);
  say();
  save('projection', { batched: batched.eventsPerSecond, single: single.eventsPerSecond });
}

function save(name: string, data: unknown): void {
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(data, null, 2));
}

/**
 * The floor of (a) and (b): what the frameworks the gateway is built on cost before its own work,
 * on the same paths, same core, same run. (a): the bare node:http server, Fastify alone, Nest on
 * Fastify, Nest with a guard reading route metadata (bench/floor/), and the gateway, in rounds
 * where each runs once in a rotating order. (b): the bare upstream called directly, Fastify with
 * @fastify/reply-from alone forwarding to it, and the gateway's proxied route.
 */
async function benchFloor(): Promise<void> {
  const { key, pages } = await seedOrg();
  const auth = { authorization: `Bearer ${key}` };
  const incidents = INCIDENTS;
  const started: Started[] = [];
  let gw: ServiceProcess | undefined;
  try {
    const upstream = await startBare(3323, incidents, OTHER_CPUS);
    started.push(upstream);
    gw = await startService('gateway', 3320, gatewayEnv(3320, { UPSTREAM_URL: 'http://127.0.0.1:3323' }), SERVICE_CPUS, PROFILE_ARGS);
    const list = '/v1/status-pages';
    const body = await fetch(`http://127.0.0.1:3320${list}`, { headers: auth }).then((r) => (r.status === 200 ? r.text() : Promise.reject(new Error(`gateway answered ${r.status}`))));
    const base64 = Buffer.from(body).toString('base64');
    const sides: { label: string; port: number; start: () => Promise<Started> }[] = [
      { label: 'bare node:http (bench/bare-server.js)', port: 3321, start: () => startBare(3321, body, SERVICE_CPUS) },
      { label: 'Fastify alone (bench/floor/fastify-floor.js)', port: 3324, start: () => startScript('floor/fastify-floor.js', { FLOOR_PORT: '3324', BARE_BODY_BASE64: base64 }, SERVICE_CPUS) },
      { label: 'Nest on Fastify (bench/floor/nest-floor.js)', port: 3325, start: () => startScript('floor/nest-floor.js', { FLOOR_PORT: '3325', BARE_BODY_BASE64: base64 }, SERVICE_CPUS) },
      { label: 'Nest on Fastify + a metadata guard (FLOOR_GUARD=1)', port: 3326, start: () => startScript('floor/nest-floor.js', { FLOOR_PORT: '3326', BARE_BODY_BASE64: base64, FLOOR_GUARD: '1' }, SERVICE_CPUS) },
    ];
    const pids: (number | undefined)[] = [];
    for (const side of sides) {
      const s = await side.start();
      started.push(s);
      pids.push(s.pid);
    }
    const a = [...sides.map((side, i) => ({ label: side.label, url: `http://127.0.0.1:${side.port}${list}`, pid: pids[i] })), { label: 'gateway (the whole of (a))', url: `http://127.0.0.1:3320${list}`, pid: gw.pid }];
    for (const side of a) if ((await fetch(side.url, { headers: auth }).then((r) => r.text())) !== body) throw new Error(`${side.label} answers another body`);
    const proxyFloor = await startScript('floor/proxy-floor.js', { FLOOR_PORT: '3327', UPSTREAM_URL: 'http://127.0.0.1:3323' }, SERVICE_CPUS);
    started.push(proxyFloor);
    const path = `/v1/status-pages/${pages[0]}/incidents?limit=5`;
    const b = [
      { label: `direct (bare upstream on CPU ${OTHER_CPUS ?? '-'})`, url: `http://127.0.0.1:3323${path}`, pid: upstream.pid },
      { label: 'Fastify + @fastify/reply-from alone (bench/floor/proxy-floor.js)', url: `http://127.0.0.1:3327${path}`, pid: proxyFloor.pid },
      { label: 'gateway (the whole of (b))', url: `http://127.0.0.1:3320${path}`, pid: gw.pid },
    ];
    for (const side of b) if ((await fetch(side.url, { headers: auth }).then((r) => r.text())) !== incidents) throw new Error(`${side.label} answers another body`);
    pinStack(OTHER_CPUS);
    const ra = await rotatingRounds(a, auth);
    const rb = await rotatingRounds(b, auth);
    say(`### Floor of (a) and (b): the frameworks alone on the same paths (${GATEWAY_PAIRS} rounds of ${GATEWAY_SLICE_S} s runs, order rotating, all on CPU ${SERVICE_CPUS ?? '(unpinned)'} but the direct upstream)`);
    say();
    table(a.map((side, i) => [side.label, ra[i]]));
    for (let i = 1; i < a.length; i++) ratioLine(`${a[i].label} / bare`, ra[i], ra[0], i === a.length - 1 ? '>= 0.5' : 'none set');
    table(b.map((side, i) => [side.label, rb[i]]));
    for (let i = 1; i < b.length; i++) ratioLine(`${b[i].label} / direct`, rb[i], rb[0], i === b.length - 1 ? '>= 0.8' : 'none set');
    save('floor', { a: a.map((side, i) => ({ label: side.label, runs: ra[i] })), b: b.map((side, i) => ({ label: side.label, runs: rb[i] })) });
  } finally {
    pinStack(ALL_CPUS);
    await Promise.all([gw?.stop(), ...started.map((s) => s.stop())]);
  }
}

const BENCHES: Record<string, () => Promise<void>> = { gateway: benchGateway, revocation: benchRevocation, proxy: benchProxy, projection: benchProjection, 'gateway-cluster': () => benchGatewayCluster(say) };
/** Run only when named: `npm run bench -- gateway-variants` (needs BENCH_GATEWAY_VARIANTS), `npm run bench -- floor`. */
const ON_REQUEST: Record<string, () => Promise<void>> = { 'gateway-variants': benchGatewayVariants, floor: benchFloor };

async function main(): Promise<void> {
  if (!process.env.KAFKA_BROKERS || !mongoUri) throw new Error('run through npm run bench (tools/run.sh starts the stack)');
  const chosen = process.argv.slice(2).filter((a) => a in BENCHES || a in ON_REQUEST);
  say(`Machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; autocannon ${CONNECTIONS} connections, ${DURATION} s x ${ROUNDS} rounds per side, interleaved.`);
  say();
  for (const name of chosen.length > 0 ? chosen : Object.keys(BENCHES)) await (BENCHES[name] ?? ON_REQUEST[name])();
  writeFileSync(join(__dirname, 'results', 'latest.md'), out.join('\n') + '\n');
}

main().catch((err: Error) => {
  console.error(err.stack ?? err.message);
  process.exit(1);
});
