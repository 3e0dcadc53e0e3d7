import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { TOPICS } from '@sp/contracts';
import { deleteTopicHistory, recreateTopic, ServiceProcess, topicOffsets, waitUntil } from '@sp/testing';

/**
 * The rebuild tool once the access topic no longer holds the history (what retention does): state
 * built through key-service's admin API, the topic's records deleted up to its end, then
 * `--from topic` says it cannot, `--from source` (key-service's database) proves rebuild == live,
 * `--restore` gives a database a fresh permissions-service serves exactly as the live one, and
 * `--from snapshot` copies a running service's view. Runs last (tools/jest/destructive-last.sequencer.js,
 * by its name) and leaves a recreated topic behind, so no suite after it meets a gap.
 */
describe('rebuild-view after the access topic lost its history', () => {
  const brokers = (process.env.KAFKA_BROKERS ?? '').split(',');
  const mongoUri = process.env.MONGODB_URI ?? '';
  const run = randomUUID().slice(0, 8);
  const dbs = { keys: `rb_keys_${run}`, live: `rb_perm_${run}`, restored: `rb_restored_${run}`, copy: `rb_copy_${run}` };
  const keyService = new ServiceProcess('key-service', 3701, {
    KEY_SERVICE_PORT: '3701',
    KEY_SERVICE_DB: dbs.keys,
    KEY_USAGE_GROUP: `rb-usage-${run}`,
    OUTBOX_POLL_MS: '100',
  });
  const permissionsOn = (port: number, db: string, group: string) =>
    new ServiceProcess('permissions-service', port, {
      PERMISSIONS_SERVICE_PORT: String(port),
      PERMISSIONS_TCP_PORT: String(port + 10),
      PERMISSIONS_DB: db,
      PERMISSIONS_GROUP: group,
    });
  const live = permissionsOn(3702, dbs.live, `rb-perm-${run}`);
  const restored = permissionsOn(3703, dbs.restored, `rb-restored-${run}`);
  const org = `rb-${run}`;
  const page = (name: string) => `${org}-${name}`;

  /** `npm run rebuild-view -- <args>` as an operator runs it: exit code, stdout (JSON report), stderr. */
  const rebuildView = (args: string[], env: Record<string, string> = {}) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        'npm',
        ['run', '--silent', 'rebuild-view', '--', ...args],
        { env: { ...process.env, KEY_SERVICE_DB: dbs.keys, PERMISSIONS_DB: dbs.live, PERMISSIONS_URL: live.url, ...env }, timeout: 120_000 },
        (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });

  const adminCall = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${keyService.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${process.env.ADMIN_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json().catch(() => null)) as Record<string, unknown>;
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };

  const authorize = async (service: ServiceProcess, apiKey: string, permission: string, statusPageId?: string) => {
    const res = await fetch(`${service.url}/internal/v1/authorize`, {
      method: 'POST',
      headers: { authorization: `Bearer ${process.env.INTERNAL_TOKEN}`, 'content-type': 'application/json', 'x-forwarded-for': '10.1.2.3' },
      body: JSON.stringify({ apiKey, permission, ...(statusPageId ? { statusPageId } : {}) }),
    });
    const body = (await res.json()) as { allowed: boolean; principal: unknown };
    return { status: res.status, allowed: body.allowed, principal: body.principal };
  };

  /** Every aggregate's version in key-service's database and in the view (`kind:id` -> version). */
  const versions = async (db: string, collections: Record<string, string>) => {
    const conn = await mongoose.createConnection(mongoUri, { dbName: db }).asPromise();
    try {
      const out = new Map<string, number>();
      for (const [kind, name] of Object.entries(collections)) {
        for (const doc of await conn.collection(name).find({}, { projection: { version: 1, outboxPending: 1 } }).toArray()) {
          out.set(`${kind}:${String(doc._id)}`, doc.outboxPending ? -1 : (doc.version as number));
        }
      }
      return out;
    } finally {
      await conn.close();
    }
  };
  const SOURCE = { org: 'orgs', page: 'status_pages', member: 'members', key: 'api_keys' };
  const VIEW = { org: 'view_orgs', page: 'view_pages', member: 'view_members', key: 'view_keys' };

  const keys: Record<string, { id: string; key: string }> = {};
  let checks: [string, string, string | undefined][] = [];

  beforeAll(async () => {
    if (!process.env.KAFKA_BROKERS || !mongoUri) throw new Error('run through npm test: KAFKA_BROKERS and MONGODB_URI are required');
    // The live view starts as a new system's does: seeded from its (empty) key-service database, so
    // it holds only this suite's aggregates (not those of earlier suites on the shared topic), and
    // at the topic's end offsets (no gap, should an earlier suite have deleted the history).
    const seed = await rebuildView(['--from', 'source', '--restore', dbs.live]);
    if (seed.code !== 0) throw new Error(`seeding the live view failed (${seed.code}): ${seed.stderr}`);
    await Promise.all([keyService.start(), live.start()]);
  }, 180_000);

  afterAll(async () => {
    await Promise.all([keyService.stop(), live.stop(), restored.stop()]);
    for (const db of Object.values(dbs)) {
      const conn = await mongoose.createConnection(mongoUri, { dbName: db }).asPromise();
      await conn.dropDatabase();
      await conn.close();
    }
    // Suites after this one (should another destructive suite follow) start on a whole history.
    await recreateTopic(brokers, TOPICS.accessEvents);
  }, 180_000);

  it('builds state through the admin API: orgs, pages, members with page roles, user and org keys, revoke, roll, narrowing, removals', async () => {
    await adminCall('PUT', `/v1/orgs/${org}`, { name: 'Rebuild' });
    await adminCall('PUT', `/v1/orgs/${org}`, { name: 'Rebuild Inc' });
    await adminCall('PUT', `/v1/orgs/${org}-other`, { name: 'Other' });
    // "Zed" sorts before "api" by code units, after it by locale: the view's order is the reducer's.
    for (const p of ['api', 'Zed', 'gone']) await adminCall('PUT', `/v1/orgs/${org}/status-pages/${page(p)}`, { name: p });
    await adminCall('PUT', `/v1/orgs/${org}/members/ed`, { role: 'viewer', pageRoles: { [page('api')]: 'editor', [page('Zed')]: 'admin' } });
    await adminCall('PUT', `/v1/orgs/${org}/members/ann`, { role: 'editor' });
    await adminCall('PUT', `/v1/orgs/${org}/members/leaver`, { role: 'editor' });

    const create = async (name: string, path: string, body: Record<string, unknown>) => {
      const res = await adminCall('POST', path, { name, ...body });
      keys[name] = { id: res.id as string, key: res.key as string };
    };
    await create('org-rw', `/v1/orgs/${org}/api-keys`, { access: 'read_write' });
    await create('narrowed', `/v1/orgs/${org}/api-keys`, { access: 'read', statusPageIds: [page('api'), page('gone')], permissions: ['incident:read'] });
    await create('ed', `/v1/orgs/${org}/members/ed/api-keys`, {});
    await create('leaver', `/v1/orgs/${org}/members/leaver/api-keys`, {});
    await create('revoked', `/v1/orgs/${org}/api-keys`, { allowedIps: ['10.0.0.0/8'], expiresAt: '2099-01-01T00:00:00.000Z' });
    await create('rolled', `/v1/orgs/${org}/api-keys`, { access: 'read_write' });
    await adminCall('DELETE', `/v1/api-keys/${keys.revoked.id}`);
    const roll = await adminCall('POST', `/v1/api-keys/${keys.rolled.id}/roll`, { gracePeriodSeconds: 3600 });
    keys['rolled-next'] = { id: roll.id as string, key: roll.key as string };
    await adminCall('DELETE', `/v1/orgs/${org}/members/leaver`);
    await adminCall('DELETE', `/v1/orgs/${org}/status-pages/${page('gone')}`);
    await adminCall('PUT', `/v1/orgs/${org}/members/ann`, { role: null, pageRoles: { [page('Zed')]: 'viewer' } });

    // Every change published and applied by the live view.
    await waitUntil(async () => {
      const [source, view] = await Promise.all([versions(dbs.keys, SOURCE), versions(dbs.live, VIEW)]);
      return source.size > 0 && [...source].every(([id, v]) => view.get(id) === v);
    }, 30_000, 200);

    const unknown = `sp_org_${'x'.repeat(40)}`;
    checks = [
      ...Object.keys(keys).flatMap((name): [string, string, string | undefined][] => [
        [name, 'incident:read', page('api')],
        [name, 'incident:write', page('Zed')],
        [name, 'incident:read', page('gone')],
        [name, 'member:read', undefined],
      ]),
      [unknown, 'incident:read', page('api')],
    ];
  }, 60_000);

  it('--from topic says it cannot once the history is deleted, and suggests --from source', async () => {
    const after = await deleteTopicHistory(brokers, TOPICS.accessEvents);
    process.stdout.write(`${TOPICS.accessEvents} after deletion: ${after.map((p) => `partition ${p.partition} log start ${p.low} end ${p.high}`).join('; ')}\n`);
    expect(after.every((p) => p.low === p.high)).toBe(true);
    expect(after.some((p) => p.low !== '0')).toBe(true);

    const topic = await rebuildView(['--from', 'topic']);
    process.stdout.write(`--from topic: exit ${topic.code}\n${topic.stderr}`);
    expect(topic.code).toBe(3);
    expect(topic.stderr).toMatch(/no longer holds its whole history: partition \d+ starts at offset \d+/);
    expect(topic.stderr).toMatch(/--from source/);
  }, 120_000);

  it("--from source proves rebuild == live from key-service's database alone", async () => {
    const source = await rebuildView(['--from', 'source']);
    process.stdout.write(`--from source: exit ${source.code}\n${source.stderr}`);
    expect(source.code).toBe(0);
    const report = JSON.parse(source.stdout);
    expect(report).toMatchObject({ equal: true, from: 'source', differences: [] });
    expect(report.counts.live).toEqual({ orgs: 2, pages: 3, members: 3, keys: 7 });
    expect(report.counts.rebuilt).toEqual(report.counts.live);
  }, 120_000);

  it('--restore gives a database a fresh permissions-service serves like the live one, and keeps following the topic', async () => {
    const ends = await topicOffsets(brokers, TOPICS.accessEvents);
    const restore = await rebuildView(['--from', 'source', '--restore', dbs.restored]);
    process.stdout.write(`--from source --restore: exit ${restore.code}\n${restore.stderr}`);
    expect(restore.code).toBe(0);
    const report = JSON.parse(restore.stdout);
    expect(report.written).toEqual({ org: 2, page: 3, member: 3, key: 7 });
    expect(report.offsets).toEqual(Object.fromEntries(ends.map((p) => [String(p.partition), p.high])));
    // Refuses a database that is not empty.
    expect((await rebuildView(['--from', 'source', '--restore', dbs.restored])).stderr).toMatch(new RegExp(`database ${dbs.restored} is not empty`));

    await restored.start();
    const answers = async (service: ServiceProcess) => Promise.all(checks.map(([name, permission, pageId]) => authorize(service, keys[name]?.key ?? name, permission, pageId)));
    const [fromLive, fromRestored] = await Promise.all([answers(live), answers(restored)]);
    expect(fromRestored).toEqual(fromLive);
    const allowed = checks.filter((_, i) => fromLive[i].allowed).map(([name, permission, pageId]) => `${name} ${permission} ${pageId ?? ''}`);
    process.stdout.write(`authorize: ${checks.length} checks, same answers from the live and the restored view; allowed: ${allowed.join(', ')}\n`);
    expect(allowed).toEqual(
      expect.arrayContaining([`org-rw incident:write ${page('Zed')}`, `narrowed incident:read ${page('api')}`, `ed incident:read ${page('api')}`, `rolled incident:read ${page('api')}`]),
    );
    for (const name of ['revoked', 'leaver']) expect(allowed.some((a) => a.startsWith(`${name} `))).toBe(false);
    expect(allowed).not.toContain(`narrowed incident:read ${page('gone')}`);

    // Both follow the topic from where they stand: a revocation now reaches the restored view too.
    await adminCall('DELETE', `/v1/api-keys/${keys['org-rw'].id}`);
    await waitUntil(async () => !(await authorize(restored, keys['org-rw'].key, 'incident:read', page('api'))).allowed, 20_000, 100);
    await waitUntil(async () => !(await authorize(live, keys['org-rw'].key, 'incident:read', page('api'))).allowed, 20_000, 100);
  }, 180_000);

  it('--from snapshot copies a running view; a view that differs exits 2 with the differences', async () => {
    await waitUntil(async () => {
      const [source, view] = await Promise.all([versions(dbs.keys, SOURCE), versions(dbs.live, VIEW)]);
      return [...source].every(([id, v]) => view.get(id) === v);
    }, 30_000, 200);
    const snapshot = await rebuildView(['--from', 'snapshot', '--restore', dbs.copy]);
    process.stdout.write(`--from snapshot --restore: exit ${snapshot.code}\n${snapshot.stderr}`);
    expect(snapshot.code).toBe(0);
    expect(JSON.parse(snapshot.stdout).written).toEqual({ org: 2, page: 3, member: 3, key: 7 });
    expect((await rebuildView(['--from', 'source', '--permissions-db', dbs.copy])).code).toBe(0);

    // A view that lost a record and holds a stale one: told apart, record by record.
    const conn = await mongoose.createConnection(mongoUri, { dbName: dbs.copy }).asPromise();
    await conn.collection('view_keys').deleteOne({ _id: keys.ed.id } as never);
    await conn.collection('view_members').updateOne({ _id: `${org}/ann` } as never, { $set: { role: 'owner' } });
    // Page roles in locale order (key-service's own) rather than the reducer's: a difference too.
    await conn.collection('view_members').updateOne({ _id: `${org}/ed` } as never, { $set: { pageRoles: [{ pageId: page('api'), role: 'editor' }, { pageId: page('Zed'), role: 'admin' }] } });
    await conn.close();
    const differs = await rebuildView(['--from', 'source', '--permissions-db', dbs.copy]);
    process.stdout.write(`--from source against a damaged copy: exit ${differs.code}\n${differs.stderr}`);
    expect(differs.code).toBe(2);
    const report = JSON.parse(differs.stdout);
    expect(report.equal).toBe(false);
    expect(report.differences.map((d: { kind: string; id: string }) => `${d.kind} ${d.id}`).sort()).toEqual([`keys ${keys.ed.id}`, `members ${org}/ann`, `members ${org}/ed`]);
    expect(differs.stderr).toMatch(new RegExp(`keys ${keys.ed.id}\\n\\s+live:\\s+null`));
  }, 120_000);
});
