import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import mongoose from 'mongoose';
import { TOPICS, type AccessEvent } from '@sp/contracts';
import { accessEvent, groupAssignments, ServiceProcess, signedMessage, testEventSigner, waitUntil } from '@sp/testing';
import { rebuildView } from '../src/rebuild/rebuild-view';
import { ViewRepository } from '../src/view/view.repository';

/**
 * Two permissions-service instances (real processes from the build) in one consumer group on one
 * database (issue 20): they share the access topic's partitions, their view equals a rebuild from
 * the topic; one SIGKILLed, the other takes its partitions and loses nothing.
 */
describe('two permissions-service instances', () => {
  const brokers = (process.env.KAFKA_BROKERS ?? '').split(',');
  const mongoUri = process.env.MONGODB_URI ?? '';
  const run = randomUUID().slice(0, 8);
  const db = `mi_perm_it_${run}`;
  const group = `mi-perm-it-${run}`;
  const instance = (http: number, tcp: number) =>
    new ServiceProcess('permissions-service', http, { PERMISSIONS_SERVICE_PORT: String(http), PERMISSIONS_TCP_PORT: String(tcp), PERMISSIONS_DB: db, PERMISSIONS_GROUP: group });
  const [first, second] = [instance(3722, 3732), instance(3723, 3733)];
  const report = (line: string) => process.stdout.write(`[permissions multi-instance] ${line}\n`);
  let producer: Producer;
  let conn: mongoose.Connection;
  let repo: ViewRepository;

  /** Orgs with a page each: their ids hash to every partition (the topic is keyed by orgId). */
  const orgs = (tag: string) => Array.from({ length: 12 }, (_, i) => `mi-${run}-${tag}-${i}`);
  async function publishOrgs(ids: string[]): Promise<void> {
    const events: AccessEvent[] = ids.flatMap((o) => [accessEvent('OrgUpserted', o, 1, { name: o }), accessEvent('StatusPageUpserted', o, 1, { pageId: `${o}-page`, name: 'Page' })]);
    await producer.send({ topic: TOPICS.accessEvents, acks: -1, messages: events.map((e) => signedMessage(e.orgId, e)) });
  }
  const allApplied = (ids: string[]) => waitUntil(async () => (await Promise.all(ids.map((o) => repo.page(`${o}-page`)))).every((p) => p !== null), 60_000, 100);
  const partitionsOf = async () => (await groupAssignments(brokers, group, TOPICS.accessEvents)).map((m) => m.partitions);

  beforeAll(async () => {
    if (!process.env.KAFKA_BROKERS || !mongoUri) throw new Error('run through npm test: KAFKA_BROKERS and MONGODB_URI are required');
    producer = new Kafka({ brokers, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    conn = await mongoose.createConnection(mongoUri, { dbName: db }).asPromise();
    repo = new ViewRepository(conn);
    await first.start(120_000);
    await second.start(120_000);
  }, 300_000);

  afterAll(async () => {
    await Promise.all([first.stop(), second.stop()]);
    await producer?.disconnect();
    await conn?.dropDatabase();
    await conn?.close();
  }, 60_000);

  it('share the partitions (one consumer group) and project into a view equal to a rebuild', async () => {
    const shares = await waitUntil(async () => {
      const p = await partitionsOf();
      return p.length === 2 && p.every((parts) => parts.length > 0) ? p : null;
    }, 30_000, 200);
    report(`partitions per instance: ${JSON.stringify(shares)}`);
    expect(shares.flat().sort()).toEqual([0, 1, 2]);
    const ids = orgs('a');
    await publishOrgs(ids);
    await allApplied(ids);
    const rebuilt = await rebuildView({ brokers, mongoUri, liveDb: db, signer: testEventSigner(), timeoutMs: 120_000 });
    expect(rebuilt.differences).toEqual([]);
    expect(rebuilt.equal).toBe(true);
  }, 180_000);

  it('one SIGKILLed: the other takes its partitions, loses nothing, and the view still equals a rebuild', async () => {
    await second.kill();
    const killedAt = Date.now();
    const ids = orgs('b');
    await publishOrgs(ids); // some on the dead instance's partitions, which wait for the group to move them
    await allApplied(ids);
    const appliedMs = Date.now() - killedAt;
    const shares = await waitUntil(async () => {
      const p = await partitionsOf();
      return p.length === 1 && p[0].length === 3 ? p : null;
    }, 30_000, 200);
    report(`after SIGKILL of one instance: the other holds partitions ${JSON.stringify(shares[0])}; events published after the kill all applied ${appliedMs} ms after it`);
    expect(first.alive).toBe(true);
    expect((await fetch(`${first.url}/health/ready`)).status).toBe(200);
    const more = orgs('c');
    await publishOrgs(more);
    await allApplied(more);
    const rebuilt = await rebuildView({ brokers, mongoUri, liveDb: db, signer: testEventSigner(), timeoutMs: 120_000 });
    expect(rebuilt.differences).toEqual([]);
    expect(rebuilt.equal).toBe(true);
    expect(rebuilt.counts.live.pages).toBeGreaterThanOrEqual(36);
  }, 180_000);
});
