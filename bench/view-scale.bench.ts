/**
 * Scale of state (issue 17): a view of N keys (with their orgs, pages and members) in the
 * permissions-service's database, then the gateway's start: time from spawning it to /health/ready
 * (the permissions-service's cached snapshot file streamed, then the topic followed from its offsets) and
 * its resident memory once ready; then the same after the access topic's records are deleted to
 * its end (what retention does). The view is written straight into the database, with offsets at
 * the topic's end, as a permissions-service that had projected it would have left it.
 *
 * BENCH_SCALE_KEYS (comma-separated, default "100000,1000000"). Run on a fresh bench stack; see
 * BENCHMARKS.md for the command. Prints a Markdown table.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { Kafka, logLevel } from 'kafkajs';
import mongoose from 'mongoose';
import { TOPICS } from '@sp/contracts';
import { ServiceProcess } from '@sp/testing';

const mongoUri = required('MONGODB_URI');
const brokers = required('KAFKA_BROKERS').split(',');
const SIZES = (process.env.BENCH_SCALE_KEYS ?? '100000,1000000').split(',').map(Number);

function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: start a stack first (BENCHMARKS.md has the command)`);
  return v;
}

const say = (line = '') => process.stdout.write(`${line}\n`);

function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:')) ?? '';
  return Math.round(Number(/(\d+)/.exec(line)?.[1] ?? 0) / 1024);
}

/** An id the size of the product's (a prefix and 26 hex digits), unique per kind and number. */
const id = (prefix: string, n: number) => `${prefix}_${createHash('sha256').update(`${prefix}${n}`).digest('hex').slice(0, 26)}`;

/** Orgs of 10 keys each: 5 org keys, 5 user keys of 5 members, 2 pages; ids, hashes and names of real sizes. */
async function seed(db: string, keys: number): Promise<void> {
  const conn = await mongoose.createConnection(mongoUri, { dbName: db, maxPoolSize: 20 }).asPromise();
  const orgs = Math.ceil(keys / 10);
  const batch = 5_000;
  const write = async (collection: string, make: (i: number) => Record<string, unknown>, count: number) => {
    for (let start = 0; start < count; start += batch) {
      const docs = Array.from({ length: Math.min(batch, count - start) }, (_, j) => make(start + j));
      await conn.collection(collection).insertMany(docs as never[], { ordered: false });
    }
  };
  const org = (o: number) => id('org', o);
  const user = (o: number, u: number) => id('usr', o * 5 + u);
  await write('view_orgs', (o) => ({ _id: org(o), orgId: org(o), version: 1, name: `Organisation ${o}` }), orgs);
  await write('view_pages', (i) => ({ _id: id('page', i), orgId: org(i >> 1), pageId: id('page', i), version: 1, name: `Status page ${i}`, removed: false }), orgs * 2);
  await write(
    'view_members',
    (i) => ({ _id: `${org(Math.floor(i / 5))}:${user(Math.floor(i / 5), i % 5)}`, orgId: org(Math.floor(i / 5)), userId: user(Math.floor(i / 5), i % 5), version: 1, role: 'editor', pageRoles: [], removed: false }),
    orgs * 5,
  );
  await write(
    'view_keys',
    (i) => {
      const o = Math.floor(i / 10);
      const isUser = i % 10 >= 5;
      return {
        _id: id('key', i), keyId: id('key', i), orgId: org(o), version: 1, keyHash: createHash('sha256').update(`hash${i}`).digest('hex'),
        type: isUser ? 'user' : 'org', userId: isUser ? user(o, i % 5) : null, name: `deploy key ${i}`, access: 'read', statusPageIds: null,
        permissions: null, expiresAt: null, allowedIps: null, prefix: isUser ? 'sp_usr_' : 'sp_org_', last4: 'abcd', revoked: false,
        graceEndsAt: null, replacedBy: null, rolledFrom: null,
      };
    },
    keys,
  );
  const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(TOPICS.accessEvents);
  await admin.disconnect();
  for (const p of ends) {
    await conn.collection('view_offsets').updateOne({ _id: `${TOPICS.accessEvents}:${p.partition}` } as never, { $set: { topic: TOPICS.accessEvents, partition: p.partition, offset: Number(p.high) } }, { upsert: true });
  }
  await conn.close();
}

async function gatewayStart(permissionsUrl: string): Promise<{ ms: number; rss: number }> {
  const gateway = new ServiceProcess('gateway', 3900, {
    GATEWAY_PORT: '3900',
    GATEWAY_INTERNAL_PORT: '3901',
    PERMISSIONS_URL: permissionsUrl,
    LOG_LEVEL: 'info',
  });
  const started = Date.now();
  await gateway.start(600_000);
  const ms = Date.now() - started;
  const rss = rssMiB(gateway.pid as number);
  // Where the start went, from the gateway's own log (pino JSON lines).
  for (const line of gateway.output.split('\n')) {
    const entry = /^\{/.test(line) ? (JSON.parse(line) as { time?: number; msg?: string }) : null;
    if (entry?.msg && /snapshot|caught up|join|listen/i.test(entry.msg)) say(`<!-- +${(entry.time ?? 0) - started} ms: ${entry.msg.slice(0, 120)} -->`);
  }
  await gateway.stop();
  return { ms, rss };
}

/** The snapshot alone, read and discarded: what the gateway's start waits for before applying anything. */
async function fetchSnapshot(url: string): Promise<{ ms: number; mib: number; cached: boolean }> {
  const started = Date.now();
  const res = await fetch(`${url}/internal/v1/view/snapshot`, { headers: { authorization: `Bearer ${process.env.INTERNAL_TOKEN}` } });
  let bytes = 0;
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) bytes += chunk.length;
  return { ms: Date.now() - started, mib: Math.round(bytes / 2 ** 20), cached: res.headers.has('x-view-snapshot-created-at') };
}

/** Waits until the permissions-service serves its cached snapshot file (written in the background after its start). */
async function cachedSnapshot(url: string): Promise<void> {
  for (;;) {
    const ac = new AbortController();
    const res = await fetch(`${url}/internal/v1/view/snapshot`, { headers: { authorization: `Bearer ${process.env.INTERNAL_TOKEN}` }, signal: ac.signal });
    ac.abort();
    if (res.headers.has('x-view-snapshot-created-at')) return;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

async function deleteHistory(): Promise<string> {
  const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(TOPICS.accessEvents);
  await admin.deleteTopicRecords({ topic: TOPICS.accessEvents, partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })) });
  const after = await admin.fetchTopicOffsets(TOPICS.accessEvents);
  await admin.disconnect();
  return after.map((p) => `${p.partition}: ${p.low}..${p.high}`).join(', ');
}

async function main(): Promise<void> {
  say(`## View scale: gateway start and memory (${new Date().toISOString()})`);
  say(`${cpus().length} x ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
  say();
  say('| keys (orgs, pages, members) | seed | snapshot cached after | cached snapshot alone (size) | gateway start to ready | gateway RSS | after history deleted: start | RSS |');
  say('|---|---|---|---|---|---|---|---|');
  for (const keys of SIZES) {
    const db = `scale_${keys}_${Date.now()}`;
    const seedStarted = Date.now();
    await seed(db, keys);
    const seedMs = Date.now() - seedStarted;
    const permissions = new ServiceProcess('permissions-service', 3902, { PERMISSIONS_SERVICE_PORT: '3902', PERMISSIONS_TCP_PORT: '3903', PERMISSIONS_DB: db, PERMISSIONS_GROUP: `scale-${db}` });
    const cacheStarted = Date.now();
    await permissions.start(600_000);
    await cachedSnapshot(permissions.url);
    const cacheMs = Date.now() - cacheStarted;
    const snapshot = await fetchSnapshot(permissions.url);
    if (!snapshot.cached) throw new Error('the snapshot was not served from the cache');
    const first = await gatewayStart(permissions.url);
    const offsets = await deleteHistory();
    const second = await gatewayStart(permissions.url);
    await permissions.stop();
    const conn = await mongoose.createConnection(mongoUri, { dbName: db }).asPromise();
    await conn.dropDatabase();
    await conn.close();
    const orgs = Math.ceil(keys / 10);
    say(`| ${keys.toLocaleString('en')} (${orgs.toLocaleString('en')}, ${(orgs * 2).toLocaleString('en')}, ${(orgs * 5).toLocaleString('en')}) | ${(seedMs / 1000).toFixed(1)} s | ${(cacheMs / 1000).toFixed(1)} s | ${(snapshot.ms / 1000).toFixed(1)} s (${snapshot.mib} MiB) | ${(first.ms / 1000).toFixed(1)} s | ${first.rss} MiB | ${(second.ms / 1000).toFixed(1)} s | ${second.rss} MiB |`);
    say(`<!-- log start..end after the deletion: ${offsets} -->`);
  }
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    console.error(err);
    process.exit(1);
  },
);
