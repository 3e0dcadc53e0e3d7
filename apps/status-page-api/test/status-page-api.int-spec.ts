/**
 * status-page-api against a real MongoDB-wire database (MongoDB or FerretDB): MONGODB_URI must be
 * set. Each run uses its own database, dropped at the end.
 *
 *   MONGODB_URI=mongodb://127.0.0.1:27055 npx jest -c jest.integration.config.js apps/status-page-api
 */
import { INestApplication } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import { Test } from '@nestjs/testing';
import { signedIdentityHeaders } from '@sp/contracts';
import { HttpErrorsFilter } from '@sp/platform';
import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import request from 'supertest';

const DB_NAME = `spapi_it_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
const ORG_A = 'org_a';
const ORG_B = 'org_b';
const MISSING_ID = '65f0c0ffee0000000000abcd';
/** The secret status-page-api shares with the gateway; the test signs identities with it, as the gateway does. */
const UPSTREAM_SECRET = (process.env['GATEWAY_UPSTREAM_SECRET'] ??= 'int-test-upstream-secret-0123456789abcdef');

let app: INestApplication;
let connection: Connection;
let pageSeq = 0;

/** A fresh page id per test, so tests do not see each other's records. */
function newPage(): string {
  pageSeq += 1;
  return `page_${pageSeq}`;
}

/** The identity headers the gateway would send for this request, signed as it signs them. */
function identityOf(orgId: string, method: string, path: string): Record<string, string> {
  return signedIdentityHeaders({ orgId, keyId: 'key_1' }, method, path, UPSTREAM_SECRET);
}

function as(orgId: string | null) {
  const server = app.getHttpServer();
  const withIdentity = (test: request.Test, method: string, path: string) => (orgId === null ? test : test.set(identityOf(orgId, method, path)));
  return {
    get: (path: string) => withIdentity(request(server).get(path), 'GET', path),
    post: (path: string, body?: unknown) => withIdentity(request(server).post(path), 'POST', path).send(body as object),
    patch: (path: string, body?: unknown) => withIdentity(request(server).patch(path), 'PATCH', path).send(body as object),
    delete: (path: string) => withIdentity(request(server).delete(path), 'DELETE', path),
  };
}

const pagePath = (pageId: string) => `/v1/status-pages/${pageId}`;
const kindPath = (pageId: string, kind: string) => `${pagePath(pageId)}/${kind}`;

function fieldsOf(body: { error?: string; details?: { field: string }[] }): string[] {
  expect(body.error).toBe('validation_failed');
  return (body.details ?? []).map((d) => d.field);
}

beforeAll(async () => {
  if (!process.env['MONGODB_URI']) {
    throw new Error(
      'MONGODB_URI is not set: this integration test needs a real MongoDB-wire database, e.g. ' +
        'MONGODB_URI=mongodb://127.0.0.1:27055 npx jest -c jest.integration.config.js apps/status-page-api',
    );
  }
  // Read when the app module loads: set them first.
  process.env['STATUS_PAGE_API_DB'] = DB_NAME;
  process.env['LOG_LEVEL'] ??= 'warn';
  const { AppModule } = await import('../src/app.module');
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
  app = moduleRef.createNestApplication();
  app.useGlobalFilters(new HttpErrorsFilter());
  await app.init();
  connection = app.get<Connection>(getConnectionToken());
});

afterAll(async () => {
  if (connection) await connection.dropDatabase();
  if (app) await app.close();
});

describe('health', () => {
  it('is live and ready (MongoDB connected)', async () => {
    await request(app.getHttpServer()).get('/health/live').expect(200);
    const ready = await request(app.getHttpServer()).get('/health/ready').expect(200);
    expect(ready.body.info.mongodb.status).toBe('up');
  });

  it('uses its own database', () => {
    expect(connection.db?.databaseName).toBe(DB_NAME);
  });
});

interface KindCase {
  kind: string;
  create: Record<string, unknown>;
  /** What the created record answers besides id, statusPageId and timestamps. */
  created: Record<string, unknown>;
  patch: Record<string, unknown>;
  patched: Record<string, unknown>;
  /** Bad create bodies and the fields the 400 must name. */
  badCreates: [Record<string, unknown>, string[]][];
  badPatch: [Record<string, unknown>, string[]];
}

const KINDS: KindCase[] = [
  {
    kind: 'incidents',
    create: { title: 'API down', status: 'investigating', message: 'Looking into it' },
    created: { title: 'API down', status: 'investigating', message: 'Looking into it' },
    patch: { status: 'resolved', message: null },
    patched: { title: 'API down', status: 'resolved' },
    badCreates: [
      [{}, ['title', 'status']],
      [{ title: '', status: 'investigating' }, ['title']],
      [{ title: 't'.repeat(201), status: 'investigating' }, ['title']],
      [{ title: 'x', status: 'on_fire' }, ['status']],
      [{ title: 'x', status: 'resolved', message: 'm'.repeat(5001) }, ['message']],
      [{ title: 'x', status: 'resolved', severity: 'high' }, ['severity']],
    ],
    badPatch: [{ title: '', status: 'nope', extra: 1 }, ['title', 'status', 'extra']],
  },
  {
    kind: 'maintenances',
    create: { title: 'DB upgrade', status: 'scheduled' },
    created: { title: 'DB upgrade', status: 'scheduled' },
    patch: { status: 'in_progress', message: 'Started' },
    patched: { title: 'DB upgrade', status: 'in_progress', message: 'Started' },
    badCreates: [
      [{ status: 'scheduled' }, ['title']],
      [{ title: 'x', status: 'later' }, ['status']],
      [{ title: 'x', status: 'scheduled', message: 3 }, ['message']],
    ],
    badPatch: [{ message: 'm'.repeat(5001) }, ['message']],
  },
  {
    kind: 'services',
    create: { name: 'API' },
    created: { name: 'API', status: 'operational' },
    patch: { status: 'partial_outage' },
    patched: { name: 'API', status: 'partial_outage' },
    badCreates: [
      [{}, ['name']],
      [{ name: 'API', status: 'down' }, ['status']],
      [{ name: 'n'.repeat(201) }, ['name']],
      [{ name: 'API', url: 'https://x' }, ['url']],
    ],
    badPatch: [{ name: null }, ['name']],
  },
  {
    kind: 'subscriptions',
    create: { email: ' Ops@Example.com ' },
    created: { email: 'ops@example.com' },
    patch: { email: 'oncall@example.com' },
    patched: { email: 'oncall@example.com' },
    badCreates: [
      [{}, ['email']],
      [{ email: 'not-an-email' }, ['email']],
      [{ email: 'a@b.io', phone: '1' }, ['phone']],
    ],
    badPatch: [{ email: 'nope' }, ['email']],
  },
];

describe.each(KINDS)('$kind', ({ kind, create, created, patch, patched, badCreates, badPatch }) => {
  it('creates, lists, gets, patches and deletes a record', async () => {
    const page = newPage();
    const a = as(ORG_A);

    const post = await a.post(kindPath(page, kind), create).expect(201);
    expect(post.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      statusPageId: page,
      ...created,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(post.body).not.toHaveProperty('orgId');
    expect(post.body).not.toHaveProperty('_id');
    const id = post.body.id as string;
    const recordPath = `${kindPath(page, kind)}/${id}`;

    const list = await a.get(kindPath(page, kind)).expect(200);
    expect(list.body).toEqual([post.body]);
    expect(list.headers['x-next-cursor']).toBeUndefined();

    expect((await a.get(recordPath).expect(200)).body).toEqual(post.body);

    const updated = await a.patch(recordPath, patch).expect(200);
    const cleared = Object.keys(patch).filter((field) => patch[field] === null);
    const kept = Object.fromEntries(Object.entries(post.body).filter(([field]) => !cleared.includes(field)));
    expect(updated.body).toEqual({ ...kept, ...patched, updatedAt: expect.any(String) });
    expect(Date.parse(updated.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(post.body.updatedAt));
    expect((await a.get(recordPath).expect(200)).body).toEqual(updated.body);

    // An empty patch changes nothing.
    expect((await a.patch(recordPath, {}).expect(200)).body).toEqual(updated.body);

    await a.delete(recordPath).expect(204);
    expect((await a.get(recordPath).expect(404)).body).toEqual({ error: 'not_found' });
    expect((await a.delete(recordPath).expect(404)).body).toEqual({ error: 'not_found' });
    expect((await a.patch(recordPath, patch).expect(404)).body).toEqual({ error: 'not_found' });
    expect((await a.get(kindPath(page, kind)).expect(200)).body).toEqual([]);
  });

  it.each(badCreates)('refuses the create body %j naming %j', async (body, fields) => {
    const res = await as(ORG_A).post(kindPath(newPage(), kind), body).expect(400);
    expect(fieldsOf(res.body)).toEqual(fields);
    expect(res.body.message).toEqual(expect.stringContaining(`${fields[0]}: `));
  });

  it('refuses a bad patch body, naming the fields, and leaves the record as it was', async () => {
    const page = newPage();
    const a = as(ORG_A);
    const { body: record } = await a.post(kindPath(page, kind), create).expect(201);
    const res = await a.patch(`${kindPath(page, kind)}/${record.id}`, badPatch[0]).expect(400);
    expect(fieldsOf(res.body)).toEqual(badPatch[1]);
    expect((await a.get(`${kindPath(page, kind)}/${record.id}`).expect(200)).body).toEqual(record);
  });

  it('answers 404 for an unknown or ill-formed record id and 400 for a forbidden one', async () => {
    const page = newPage();
    const a = as(ORG_A);
    for (const id of [MISSING_ID, 'abc', 'not-an-object-id', 'x'.repeat(128)]) {
      const path = `${kindPath(page, kind)}/${id}`;
      expect((await a.get(path).expect(404)).body).toEqual({ error: 'not_found' });
      expect((await a.patch(path, {}).expect(404)).body).toEqual({ error: 'not_found' });
      expect((await a.delete(path).expect(404)).body).toEqual({ error: 'not_found' });
    }
    for (const id of ['a.b', 'a$b', 'x'.repeat(129)]) {
      expect(fieldsOf((await a.get(`${kindPath(page, kind)}/${id}`).expect(400)).body)).toEqual(['id']);
    }
  });

  it("keeps one org's records from another (404, empty list)", async () => {
    const page = newPage();
    const { body: record } = await as(ORG_A).post(kindPath(page, kind), create).expect(201);
    const recordPath = `${kindPath(page, kind)}/${record.id}`;
    const b = as(ORG_B);

    expect((await b.get(recordPath).expect(404)).body).toEqual({ error: 'not_found' });
    expect((await b.patch(recordPath, patch).expect(404)).body).toEqual({ error: 'not_found' });
    expect((await b.delete(recordPath).expect(404)).body).toEqual({ error: 'not_found' });
    expect((await b.get(kindPath(page, kind)).expect(200)).body).toEqual([]);

    // Org A's record is untouched by org B's attempts.
    expect((await as(ORG_A).get(recordPath).expect(200)).body).toEqual(record);
  });

  it("keeps one page's records from another page of the same org", async () => {
    const page = newPage();
    const other = newPage();
    const a = as(ORG_A);
    const { body: record } = await a.post(kindPath(page, kind), create).expect(201);

    expect((await a.get(`${kindPath(other, kind)}/${record.id}`).expect(404)).body).toEqual({ error: 'not_found' });
    await a.patch(`${kindPath(other, kind)}/${record.id}`, patch).expect(404);
    await a.delete(`${kindPath(other, kind)}/${record.id}`).expect(404);
    expect((await a.get(kindPath(other, kind)).expect(200)).body).toEqual([]);
    await a.get(`${kindPath(page, kind)}/${record.id}`).expect(200);
  });

  it('answers 401 missing_identity without x-sp-org-id, before validating anything', async () => {
    const page = newPage();
    const anonymous = as(null);
    for (const res of [
      await anonymous.get(kindPath(page, kind)),
      await anonymous.post(kindPath(page, kind), create),
      await anonymous.post(kindPath(page, kind), {}),
      await anonymous.get(`${kindPath(page, kind)}/${MISSING_ID}`),
      await anonymous.patch(`${kindPath(page, kind)}/${MISSING_ID}`, patch),
      await anonymous.delete(`${kindPath(page, kind)}/${MISSING_ID}`),
      await anonymous.get(`${kindPath('bad.page', kind)}`),
    ]) {
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: 'missing_identity' });
    }
  });
});

describe('lists', () => {
  it('answer newest first and paginate with limit and an opaque cursor', async () => {
    const page = newPage();
    const a = as(ORG_A);
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) ids.push((await a.post(kindPath(page, 'incidents'), { title: `#${i}`, status: 'investigating' }).expect(201)).body.id);
    const newestFirst = [...ids].reverse();

    expect((await a.get(kindPath(page, 'incidents')).expect(200)).body.map((r: { id: string }) => r.id)).toEqual(newestFirst);

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await a.get(kindPath(page, 'incidents')).query({ limit: 2, ...(cursor ? { cursor } : {}) }).expect(200);
      expect(res.body.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.map((r: { id: string }) => r.id));
      cursor = res.headers['x-next-cursor'];
      pages += 1;
    } while (cursor && pages < 10);
    expect(seen).toEqual(newestFirst);
    expect(pages).toBe(3);
  });

  it.each(['0', '101', 'abc', '1.5', '-3', ''])('refuse limit=%p with a 400 naming limit', async (limit) => {
    const res = await as(ORG_A).get(`${kindPath(newPage(), 'services')}?limit=${limit}`).expect(400);
    expect(fieldsOf(res.body)).toEqual(['limit']);
  });

  it('accept limit 1 and 100', async () => {
    await as(ORG_A).get(`${kindPath(newPage(), 'services')}?limit=1`).expect(200);
    await as(ORG_A).get(`${kindPath(newPage(), 'services')}?limit=100`).expect(200);
  });

  it('refuse a cursor they did not make', async () => {
    const res = await as(ORG_A).get(`${kindPath(newPage(), 'services')}?cursor=not-a-cursor`).expect(400);
    expect(fieldsOf(res.body)).toEqual(['cursor']);
  });

  it("a cursor cannot reach another org's records", async () => {
    const page = newPage();
    for (let i = 0; i < 3; i += 1) await as(ORG_A).post(kindPath(page, 'services'), { name: `s${i}` }).expect(201);
    const first = await as(ORG_A).get(`${kindPath(page, 'services')}?limit=1`).expect(200);
    const cursor = first.headers['x-next-cursor'];
    expect(cursor).toEqual(expect.any(String));
    expect((await as(ORG_B).get(kindPath(page, 'services')).query({ cursor }).expect(200)).body).toEqual([]);
  });
});

describe('bad requests', () => {
  it('answer 400 for malformed JSON', async () => {
    const malformedPage = newPage();
    const res = await request(app.getHttpServer())
      .post(kindPath(malformedPage, 'incidents'))
      .set(identityOf(ORG_A, 'POST', kindPath(malformedPage, 'incidents')))
      .set('content-type', 'application/json')
      .send('{"title": "x",')
      .expect(400);
    expect(res.body).toMatchObject({ error: 'validation_failed', details: [{ field: '(body)', reason: 'malformed JSON' }] });
  });

  it('answer 400 for a body that is not an object', async () => {
    const res = await as(ORG_A).post(kindPath(newPage(), 'incidents'), ['x']).expect(400);
    expect(fieldsOf(res.body)).toEqual(['(body)']);
  });

  it('answer 400 naming pageId for an ill-formed page id', async () => {
    for (const pageId of ['a.b', '%24where', 'x'.repeat(129)]) {
      expect(fieldsOf((await as(ORG_A).get(kindPath(pageId, 'incidents')).expect(400)).body)).toEqual(['pageId']);
      expect(fieldsOf((await as(ORG_A).get(pagePath(pageId)).expect(400)).body)).toEqual(['pageId']);
    }
  });

  it('answer 401 for an ill-formed x-sp-org-id', async () => {
    const res = await request(app.getHttpServer()).get(kindPath(newPage(), 'incidents')).set('x-sp-org-id', 'org.a').expect(401);
    expect(res.body).toEqual({ error: 'missing_identity' });
  });
});

describe('subscriptions', () => {
  it('answer 409 conflict for an email already subscribed to the page (case-insensitive)', async () => {
    const page = newPage();
    const a = as(ORG_A);
    await a.post(kindPath(page, 'subscriptions'), { email: 'ops@example.com' }).expect(201);
    expect((await a.post(kindPath(page, 'subscriptions'), { email: 'OPS@example.com' }).expect(409)).body).toEqual({ error: 'conflict' });
    expect((await a.get(kindPath(page, 'subscriptions')).expect(200)).body).toHaveLength(1);
  });

  it('allow the same email on another page and in another org', async () => {
    const page = newPage();
    await as(ORG_A).post(kindPath(page, 'subscriptions'), { email: 'dup@example.com' }).expect(201);
    await as(ORG_A).post(kindPath(newPage(), 'subscriptions'), { email: 'dup@example.com' }).expect(201);
    await as(ORG_B).post(kindPath(page, 'subscriptions'), { email: 'dup@example.com' }).expect(201);
  });

  it('answer 409 when a patch would duplicate an email', async () => {
    const page = newPage();
    const a = as(ORG_A);
    await a.post(kindPath(page, 'subscriptions'), { email: 'one@example.com' }).expect(201);
    const { body: two } = await a.post(kindPath(page, 'subscriptions'), { email: 'two@example.com' }).expect(201);
    expect((await a.patch(`${kindPath(page, 'subscriptions')}/${two.id}`, { email: 'one@example.com' }).expect(409)).body).toEqual({
      error: 'conflict',
    });
    expect((await a.get(`${kindPath(page, 'subscriptions')}/${two.id}`).expect(200)).body.email).toBe('two@example.com');
  });
});

describe('page settings', () => {
  it('answer { id } for a page never patched', async () => {
    const page = newPage();
    expect((await as(ORG_A).get(pagePath(page)).expect(200)).body).toEqual({ id: page });
  });

  it('are patched, read back, partially updated and cleared', async () => {
    const page = newPage();
    const a = as(ORG_A);
    const first = await a
      .patch(pagePath(page), { name: 'Acme status', timezone: 'Europe/Berlin', theme: { primaryColor: '#ff0000' }, customDomain: 'Status.Acme.io' })
      .expect(200);
    expect(first.body).toEqual({
      id: page,
      name: 'Acme status',
      timezone: 'Europe/Berlin',
      theme: { primaryColor: '#ff0000' },
      customDomain: 'status.acme.io',
      updatedAt: expect.any(String),
    });
    expect((await a.get(pagePath(page)).expect(200)).body).toEqual(first.body);

    const second = await a.patch(pagePath(page), { name: 'Acme', theme: { background: 'white' } }).expect(200);
    expect(second.body).toEqual({ ...first.body, name: 'Acme', theme: { background: 'white' }, updatedAt: expect.any(String) });

    const cleared = await a.patch(pagePath(page), { customDomain: null, timezone: null }).expect(200);
    expect(cleared.body).toEqual({ id: page, name: 'Acme', theme: { background: 'white' }, updatedAt: expect.any(String) });
    expect((await a.get(pagePath(page)).expect(200)).body).toEqual(cleared.body);
  });

  it('refuse unknown fields and bad values, naming them', async () => {
    const page = newPage();
    const res = await as(ORG_A)
      .patch(pagePath(page), { name: '', timezone: 'Mars/Base', theme: { 'a.b': 'x' }, customDomain: 'not a domain', logo: 'x.png' })
      .expect(400);
    expect(fieldsOf(res.body)).toEqual(['name', 'timezone', 'theme', 'customDomain', 'logo']);
    expect((await as(ORG_A).get(pagePath(page)).expect(200)).body).toEqual({ id: page });
  });

  it('refuse theme keys with "$"', async () => {
    const res = await as(ORG_A).patch(pagePath(newPage()), { theme: { $set: 'x' } }).expect(400);
    expect(res.body.details).toEqual([{ field: 'theme', reason: 'key "$set" must not contain "." or "$"' }]);
  });

  it("are not visible to another org", async () => {
    const page = newPage();
    await as(ORG_A).patch(pagePath(page), { name: 'Secret' }).expect(200);
    expect((await as(ORG_B).get(pagePath(page)).expect(200)).body).toEqual({ id: page });
  });

  it('need an identity', async () => {
    const anonymous = as(null);
    expect((await anonymous.get(pagePath(newPage())).expect(401)).body).toEqual({ error: 'missing_identity' });
    expect((await anonymous.patch(pagePath(newPage()), { name: 'x' }).expect(401)).body).toEqual({ error: 'missing_identity' });
    expect((await anonymous.delete(pagePath(newPage())).expect(401)).body).toEqual({ error: 'missing_identity' });
  });
});

describe('deleting a page', () => {
  it("removes its content and settings, and nothing of other pages or orgs", async () => {
    const page = newPage();
    const otherPage = newPage();
    const a = as(ORG_A);
    const seed = async (client: ReturnType<typeof as>, pageId: string) => {
      await client.patch(pagePath(pageId), { name: 'Page' }).expect(200);
      await client.post(kindPath(pageId, 'incidents'), { title: 'i', status: 'investigating' }).expect(201);
      await client.post(kindPath(pageId, 'maintenances'), { title: 'm', status: 'scheduled' }).expect(201);
      await client.post(kindPath(pageId, 'services'), { name: 's' }).expect(201);
      await client.post(kindPath(pageId, 'subscriptions'), { email: 'x@example.com' }).expect(201);
    };
    await seed(a, page);
    await seed(a, otherPage);
    await seed(as(ORG_B), page);

    await a.delete(pagePath(page)).expect(204);

    expect((await a.get(pagePath(page)).expect(200)).body).toEqual({ id: page });
    for (const kind of ['incidents', 'maintenances', 'services', 'subscriptions']) {
      expect((await a.get(kindPath(page, kind)).expect(200)).body).toEqual([]);
      expect((await a.get(kindPath(otherPage, kind)).expect(200)).body).toHaveLength(1);
      expect((await as(ORG_B).get(kindPath(page, kind)).expect(200)).body).toHaveLength(1);
    }
    expect((await a.get(pagePath(otherPage)).expect(200)).body.name).toBe('Page');
    expect((await as(ORG_B).get(pagePath(page)).expect(200)).body.name).toBe('Page');

    // Idempotent; the email can subscribe again.
    await a.delete(pagePath(page)).expect(204);
    await a.post(kindPath(page, 'subscriptions'), { email: 'x@example.com' }).expect(201);
  });
});
