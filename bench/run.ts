/**
 * Benchmarks (npm run bench [-- gateway|proxy|revocation|projection ...]): each comparison runs its
 * two sides in this one process run, interleaved, on the local stack that tools/run.sh started.
 * Results: printed as markdown and written to bench/results/<name>.json.
 */
import autocannon from 'autocannon';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import mongoose from 'mongoose';
import { generateApiKey, hashApiKey } from '@sp/api-keys';
import { IDENTITY_HEADERS, TOPICS, type AccessEvent } from '@sp/contracts';
import { accessEvent, keyCreatedPayload, ServiceProcess } from '@sp/testing';
import { ProjectionService } from '../apps/permissions-service/src/view/projection.service';
import { ViewRepository } from '../apps/permissions-service/src/view/view.repository';

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
    await producer.send({ topic: TOPICS.accessEvents, acks: -1, messages: events.slice(i, i + 500).map((e) => ({ key: e.orgId, value: JSON.stringify(e) })) });
  }
  await producer.disconnect();
}

/** An org with 20 pages and one read_write org key, published straight to the access topic. */
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
  GATEWAY_HOST: '127.0.0.1',
  RATE_LIMIT_KEY_PER_SECOND: '10000000',
  RATE_LIMIT_ORG_PER_SECOND: '10000000',
  LOG_LEVEL: 'warn',
  ...extra,
});

/** Pairs of short runs for (a): many short, alternating runs average out a shared machine's drift. */
const GATEWAY_PAIRS = Number(process.env.BENCH_GATEWAY_PAIRS ?? 30);
const GATEWAY_SLICE_S = Number(process.env.BENCH_GATEWAY_SLICE_S ?? 3);

function median(xs: number[]): number {
  return pct(xs, 50);
}

/** Rounds of the both-at-once comparison in (a): paired by construction, so more of them narrow its interval cheaply. */
const GATEWAY_ROUNDS = Number(process.env.BENCH_GATEWAY_ROUNDS ?? 10);

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

async function benchGateway(): Promise<void> {
  const { org, key } = await seedOrg();
  const on = await new ServiceProcess('gateway', 3300, gatewayEnv(3300), SERVICE_CPUS).start();
  const off = await new ServiceProcess('gateway', 3301, gatewayEnv(3301, { GATEWAY_AUTH_DISABLED_FOR_BENCHMARK: 'true', BENCHMARK_ORG_ID: org }), SERVICE_CPUS).start();
  // Kafka and FerretDB only idle here (the view is loaded, usage is produced once a second): off
  // the service CPU, so that CPU runs the gateway under test and nothing else.
  pinStack(OTHER_CPUS);
  try {
    const auth = { authorization: `Bearer ${key}` };
    const onUrl = 'http://127.0.0.1:3300/v1/status-pages';
    const offUrl = 'http://127.0.0.1:3301/v1/status-pages';
    const probe = await fetch(onUrl, { headers: auth });
    if (probe.status !== 200) throw new Error(`auth-on gateway answered ${probe.status}`);
    const same = await fetch(offUrl).then((r) => r.text());
    if (same !== (await probe.text())) throw new Error('the two gateways do not answer the same body');
    // Warm-up (JIT) of both sides, not measured.
    await load(onUrl, auth, 5);
    await load(offUrl, auth, 5);

    // 1. One gateway at a time on the service CPU (how a gateway runs: one process per core), in
    //    GATEWAY_PAIRS pairs of short runs, the side going first alternating.
    const a: Load[] = [];
    const b: Load[] = [];
    for (let i = 0; i < GATEWAY_PAIRS; i++) {
      if (i % 2 === 0) {
        a.push(await load(onUrl, auth, GATEWAY_SLICE_S, CONNECTIONS, on.pid));
        b.push(await load(offUrl, auth, GATEWAY_SLICE_S, CONNECTIONS, off.pid));
      } else {
        b.push(await load(offUrl, auth, GATEWAY_SLICE_S, CONNECTIONS, off.pid));
        a.push(await load(onUrl, auth, GATEWAY_SLICE_S, CONNECTIONS, on.pid));
      }
    }
    const ra = mean(a.map((x) => x.rps));
    const rb = mean(b.map((x) => x.rps));
    const pairRatios = a.map((x, i) => x.rps / b[i].rps);
    const sequentialInterval = ratioInterval(a.map((x) => x.rps), b.map((x) => x.rps));
    // CPU time per request, the same runs: what the auth path costs the process (time the VM steals is not charged to it).
    const cpuOn = mean(a.map((x) => x.cpuUs));
    const cpuOff = mean(b.map((x) => x.cpuUs));
    const cpuInterval = ratioInterval(b.map((x) => x.cpuUs), a.map((x) => x.cpuUs));

    // 2. Both gateways loaded at once, sharing the one service CPU: each gets half of it, so the
    //    throughput ratio is the ratio of CPU per request, and drift hits both sides alike. Stricter
    //    than 1: the two processes also evict each other's caches, which costs the side with more
    //    code and data on its path more.
    const ca: Load[] = [];
    const cb: Load[] = [];
    for (let i = 0; i < GATEWAY_ROUNDS; i++) {
      const [x, y] = await Promise.all([load(onUrl, auth, DURATION, CONNECTIONS, on.pid), load(offUrl, auth, DURATION, CONNECTIONS, off.pid)]);
      ca.push(x);
      cb.push(y);
    }
    const concurrentRatios = ca.map((x, i) => x.rps / cb[i].rps);
    const concurrentRatio = mean(ca.map((x) => x.rps)) / mean(cb.map((x) => x.rps));
    const concurrentInterval = ratioInterval(ca.map((x) => x.rps), cb.map((x) => x.rps));

    const table = (sides: [string, Load[]][]) => {
      say('| side | req/s (mean) | p50 ms | p99 ms | CPU us/request | non-2xx | errors |');
      say('|---|---|---|---|---|---|---|');
      for (const [label, xs] of sides) {
        say(`| ${label} | ${mean(xs.map((x) => x.rps)).toFixed(0)} | ${mean(xs.map((x) => x.p50)).toFixed(2)} | ${mean(xs.map((x) => x.p99)).toFixed(2)} | ${mean(xs.map((x) => x.cpuUs)).toFixed(1)} | ${xs.reduce((n, x) => n + x.non2xx, 0)} | ${xs.reduce((n, x) => n + x.errors, 0)} |`);
      }
      say();
    };
    say('### (a) GET /v1/status-pages answered by the gateway: authentication + authorization on vs off');
    say();
    say(`1. One gateway at a time, ${GATEWAY_PAIRS} alternating pairs of ${GATEWAY_SLICE_S} s runs:`);
    say();
    table([
      ['auth on (passport key strategy per connection and key, view lookup, engine, rate limits, usage event)', a],
      ['auth off (same route, same answer)', b],
    ]);
    say(`**ratio on/off = ${(ra / rb).toFixed(3)}** (ratio of mean req/s, ${interval(sequentialInterval)}; median of the ${GATEWAY_PAIRS} pair ratios ${median(pairRatios).toFixed(3)}, range ${Math.min(...pairRatios).toFixed(2)}-${Math.max(...pairRatios).toFixed(2)}) (goal >= 0.95)`);
    say();
    say(`CPU time per request, same runs: on ${cpuOn.toFixed(1)} us, off ${cpuOff.toFixed(1)} us; authentication + authorization add ${(cpuOn - cpuOff).toFixed(1)} us; **off/on = ${(cpuOff / cpuOn).toFixed(3)}** (${interval(cpuInterval)}), the throughput ratio one CPU would give if CPU time were all that differed.`);
    say();
    say(`2. Both gateways at once on the one service CPU, ${GATEWAY_ROUNDS} rounds of ${DURATION} s:`);
    say();
    table([
      ['auth on', ca],
      ['auth off', cb],
    ]);
    say(`**ratio on/off = ${concurrentRatio.toFixed(3)}** (ratio of mean req/s, ${interval(concurrentInterval)}; rounds: ${concurrentRatios.map((r) => r.toFixed(3)).join(', ')})`);
    say();
    save('gateway', {
      sequential: { a, b, ratio: ra / rb, interval95: sequentialInterval, pairRatios, cpuUsOn: cpuOn, cpuUsOff: cpuOff, cpuRatio: cpuOff / cpuOn, cpuInterval95: cpuInterval },
      concurrent: { a: ca, b: cb, ratio: concurrentRatio, interval95: concurrentInterval, ratios: concurrentRatios },
    });
  } finally {
    pinStack(ALL_CPUS);
    await Promise.all([on.stop(), off.stop()]);
  }
}

async function benchProxy(): Promise<void> {
  const { org, key, pages } = await seedOrg();
  const db = `bench_spapi_${Date.now()}`;
  const upstream = await new ServiceProcess('status-page-api', 3303, { STATUS_PAGE_API_PORT: '3303', STATUS_PAGE_API_DB: db, LOG_LEVEL: 'warn' }, SERVICE_CPUS).start();
  const gw = await new ServiceProcess('gateway', 3302, gatewayEnv(3302, { UPSTREAM_URL: 'http://127.0.0.1:3303' }), SERVICE_CPUS).start();
  try {
    const identity = { [IDENTITY_HEADERS.orgId]: org, [IDENTITY_HEADERS.keyId]: 'bench', [IDENTITY_HEADERS.principal]: 'org', [IDENTITY_HEADERS.permission]: 'incident:read' };
    for (let i = 0; i < 5; i++) {
      await fetch(`http://127.0.0.1:3303/v1/status-pages/${pages[0]}/incidents`, {
        method: 'POST',
        headers: { ...identity, 'content-type': 'application/json' },
        body: JSON.stringify({ title: `Incident ${i}`, status: 'resolved' }),
      });
    }
    const path = `/v1/status-pages/${pages[0]}/incidents?limit=5`;
    const auth = { authorization: `Bearer ${key}` };
    const viaGateway = await fetch(`http://127.0.0.1:3302${path}`, { headers: auth }).then((r) => r.json());
    if (!Array.isArray(viaGateway) || viaGateway.length !== 5) throw new Error(`gateway proxy answered ${JSON.stringify(viaGateway).slice(0, 200)}`);
    const a: Load[] = [];
    const b: Load[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      if (i % 2 === 0) {
        a.push(await load(`http://127.0.0.1:3302${path}`, auth));
        b.push(await load(`http://127.0.0.1:3303${path}`, identity));
      } else {
        b.push(await load(`http://127.0.0.1:3303${path}`, identity));
        a.push(await load(`http://127.0.0.1:3302${path}`, auth));
      }
    }
    const ra = mean(a.map((x) => x.rps));
    const rb = mean(b.map((x) => x.rps));
    say('### (c) GET incidents: through the gateway (auth + proxy) vs calling status-page-api directly');
    say();
    say('| side | req/s | p50 ms | p99 ms | non-2xx | errors |');
    say('|---|---|---|---|---|---|');
    say(`| via gateway | ${ra.toFixed(0)} | ${mean(a.map((x) => x.p50)).toFixed(2)} | ${mean(a.map((x) => x.p99)).toFixed(2)} | ${a.reduce((s, x) => s + x.non2xx, 0)} | ${a.reduce((s, x) => s + x.errors, 0)} |`);
    say(`| direct | ${rb.toFixed(0)} | ${mean(b.map((x) => x.p50)).toFixed(2)} | ${mean(b.map((x) => x.p99)).toFixed(2)} | ${b.reduce((s, x) => s + x.non2xx, 0)} | ${b.reduce((s, x) => s + x.errors, 0)} |`);
    say();
    const proxyInterval = ratioInterval(a.map((x) => x.rps), b.map((x) => x.rps));
    say(`**ratio gateway/direct = ${(ra / rb).toFixed(3)}** (${interval(proxyInterval)} over the ${ROUNDS} pairs)`);
    say();
    save('proxy', { a, b, ratio: ra / rb, interval95: proxyInterval });
  } finally {
    await Promise.all([gw.stop(), upstream.stop()]);
    const conn = await mongoose.createConnection(mongoUri, { dbName: db }).asPromise();
    await conn.dropDatabase();
    await conn.close();
  }
}

async function benchRevocation(): Promise<void> {
  const db = `bench_keys_${Date.now()}`;
  const keySvc = await new ServiceProcess('key-service', 3304, { KEY_SERVICE_PORT: '3304', KEY_SERVICE_DB: db, KEY_USAGE_GROUP: `bench-${randomUUID()}`, LOG_LEVEL: 'warn' }).start();
  const gw = await new ServiceProcess('gateway', 3305, gatewayEnv(3305, { AUTH_FAILURES_PER_MINUTE: '10000000' })).start();
  const admin = { authorization: `Bearer ${process.env.ADMIN_TOKEN}`, 'content-type': 'application/json' };
  const org = `bench-rev-${randomUUID().slice(0, 8)}`;
  const N = Number(process.env.BENCH_REVOCATIONS ?? 200); // 200, so the p99 is not just the maximum
  try {
    await fetch(`http://127.0.0.1:3304/v1/orgs/${org}`, { method: 'PUT', headers: admin, body: JSON.stringify({ name: 'Rev' }) });
    const measure = async (): Promise<number[]> => {
      const samples: number[] = [];
      for (let i = 0; i < N; i++) {
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
    const idle = await measure();
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
    say('### (b) Revocation latency: from the revoke call\'s answer to the first 401 at the gateway');
    say();
    say('| condition | samples | p50 ms | p99 ms | max ms |');
    say('|---|---|---|---|---|');
    say(`| idle | ${idle.length} | ${pct(idle, 50).toFixed(1)} | ${pct(idle, 99).toFixed(1)} | ${Math.max(...idle).toFixed(1)} |`);
    say(`| under load (${CONNECTIONS} connections, ${bg.requests.average.toFixed(0)} req/s on another key) | ${loaded.length} | ${pct(loaded, 50).toFixed(1)} | ${pct(loaded, 99).toFixed(1)} | ${Math.max(...loaded).toFixed(1)} |`);
    say();
    say('Goal: p99 <= 50 ms idle, <= 250 ms loaded.');
    say();
    save('revocation', { idle, loaded, backgroundRps: bg.requests.average });
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

const BENCHES: Record<string, () => Promise<void>> = { gateway: benchGateway, revocation: benchRevocation, proxy: benchProxy, projection: benchProjection };

async function main(): Promise<void> {
  if (!process.env.KAFKA_BROKERS || !mongoUri) throw new Error('run through npm run bench (tools/run.sh starts the stack)');
  const chosen = process.argv.slice(2).filter((a) => a in BENCHES);
  say(`Machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}; autocannon ${CONNECTIONS} connections, ${DURATION} s x ${ROUNDS} rounds per side, interleaved.`);
  say();
  for (const name of chosen.length > 0 ? chosen : Object.keys(BENCHES)) await BENCHES[name]();
  writeFileSync(join(__dirname, 'results', 'latest.md'), out.join('\n') + '\n');
}

main().catch((err: Error) => {
  console.error(err.stack ?? err.message);
  process.exit(1);
});
