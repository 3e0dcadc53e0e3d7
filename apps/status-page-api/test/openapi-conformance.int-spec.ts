import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import mongoose from 'mongoose';
import { signedIdentityHeaders } from '@sp/contracts';
import { ensureSchemathesis, expectConformance, ServiceProcess } from '@sp/testing';

const PORT = 3123;
const ORG = 'org_st';
const SECRET = (process.env['GATEWAY_UPSTREAM_SECRET'] ??= 'st-test-upstream-secret-0123456789abcdef');

/**
 * Stands in for the gateway: signs every request's identity (org ORG) the way the gateway does,
 * so that schemathesis reaches past the identity guard; whatever identity headers it generated
 * are replaced.
 */
function signingProxy(target: URL): Promise<Server> {
  const server = createServer((req, res) => {
    const headers = { ...req.headers };
    for (const name of Object.keys(headers)) if (name.startsWith('x-sp-')) delete headers[name];
    Object.assign(headers, signedIdentityHeaders({ orgId: ORG, keyId: 'key_st' }, req.method ?? 'GET', req.url ?? '/', SECRET), { host: target.host });
    const upstream = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => {
      res.writeHead(502).end();
    });
    req.pipe(upstream);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/**
 * The upstream's OpenAPI document, checked by schemathesis against the running service behind a
 * signing stand-in for the gateway: no 5xx, every status code and body documented and matching
 * its schema.
 */
describe('status-page-api OpenAPI conformance (schemathesis, real MongoDB-wire database)', () => {
  const db = `status_page_api_st_${Date.now()}`;
  let st: string;
  let service: ServiceProcess;
  let proxy: Server;

  beforeAll(async () => {
    if (!process.env.MONGODB_URI) throw new Error('run through npm test: MONGODB_URI is required');
    st = ensureSchemathesis();
    service = await new ServiceProcess('status-page-api', PORT, {
      STATUS_PAGE_API_PORT: String(PORT),
      STATUS_PAGE_API_DB: db,
      GATEWAY_UPSTREAM_SECRET: SECRET,
    }).start();
    proxy = await signingProxy(new URL(service.url));
  }, 900_000);

  afterAll(async () => {
    await new Promise((resolve) => proxy?.close(resolve));
    await service?.stop();
    const conn = await mongoose.createConnection(process.env.MONGODB_URI as string, { dbName: db }).asPromise();
    await conn.dropDatabase();
    await conn.close();
  });

  it('conforms to its document: no server error, every answer documented and matching its schema', async () => {
    const run = await expectConformance(st, service, { baseUrl: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}` });
    expect(run.failures).toBe(0);
    expect(run.generated).toBeGreaterThan(0);
  }, 300_000);
});
