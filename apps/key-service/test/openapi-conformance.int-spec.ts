import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { ensureSchemathesis, expectConformance, ServiceProcess } from '@sp/testing';

const PORT = 3121;

/**
 * The admin API's OpenAPI document, checked by schemathesis against the running service: no 5xx,
 * every status code and body documented and matching its schema.
 */
describe('key-service OpenAPI conformance (schemathesis, real Kafka + MongoDB-wire database)', () => {
  const db = `key_service_st_${Date.now()}`;
  const token = process.env.ADMIN_TOKEN as string;
  let st: string;
  let service: ServiceProcess;

  beforeAll(async () => {
    if (!process.env.KAFKA_BROKERS || !process.env.MONGODB_URI || !token) throw new Error('run through npm test: KAFKA_BROKERS, MONGODB_URI and ADMIN_TOKEN are required');
    st = ensureSchemathesis();
    service = await new ServiceProcess('key-service', PORT, {
      KEY_SERVICE_PORT: String(PORT),
      KEY_SERVICE_DB: db,
      KEY_USAGE_GROUP: `key-service-st.${randomUUID()}`,
    }).start();
    // Something to find, so that the 200s are exercised as well as the 404s.
    const admin = { Authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    await fetch(`${service.url}/v1/orgs/org1`, { method: 'PUT', headers: admin, body: JSON.stringify({ name: 'Org' }) });
  }, 900_000);

  afterAll(async () => {
    await service?.stop();
    const conn = await mongoose.createConnection(process.env.MONGODB_URI as string, { dbName: db }).asPromise();
    await conn.dropDatabase();
    await conn.close();
  });

  it('conforms to its document: no server error, every answer documented and matching its schema', async () => {
    const run = await expectConformance(st, service, { headers: { Authorization: `Bearer ${token}` } });
    expect(run.failures).toBe(0);
    expect(run.generated).toBeGreaterThan(0);
  }, 300_000);
});
