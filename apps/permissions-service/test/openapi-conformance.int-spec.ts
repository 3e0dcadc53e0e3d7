import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { ensureSchemathesis, expectConformance, ServiceProcess } from '@sp/testing';

const PORT = 3122;

/**
 * The internal authorization API's OpenAPI document, checked by schemathesis against the running
 * service: no 5xx, every status code and body documented and matching its schema.
 */
describe('permissions-service OpenAPI conformance (schemathesis, real Kafka + MongoDB-wire database)', () => {
  const db = `permissions_st_${Date.now()}`;
  const token = process.env.INTERNAL_TOKEN as string;
  let st: string;
  let service: ServiceProcess;

  beforeAll(async () => {
    if (!process.env.KAFKA_BROKERS || !process.env.MONGODB_URI || !token) throw new Error('run through npm test: KAFKA_BROKERS, MONGODB_URI and INTERNAL_TOKEN are required');
    st = ensureSchemathesis();
    service = await new ServiceProcess('permissions-service', PORT, {
      PERMISSIONS_SERVICE_PORT: String(PORT),
      PERMISSIONS_TCP_PORT: String(PORT + 100),
      PERMISSIONS_DB: db,
      PERMISSIONS_GROUP: `permissions-st.${randomUUID()}`,
    }).start();
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
