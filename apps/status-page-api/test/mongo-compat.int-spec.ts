import mongoose, { type Connection, type Model } from 'mongoose';
import { mongoEnvSchema, mongooseOptions } from '@sp/platform';
import { isDuplicateKeyError } from '../src/common/mongo-errors';
import { DuplicateRecordError, ContentRepository, type ContentRecord } from '../src/content/content.repository';
import { Incident, IncidentSchema } from '../src/incidents/incident.schema';
import { Invoice, InvoiceSchema } from '../src/invoices/invoice.schema';
import { PageSettingsRepository } from '../src/pages/page-settings.repository';
import { PageSettings, PageSettingsSchema } from '../src/pages/page-settings.schema';
import { Subscription, SubscriptionSchema } from '../src/subscriptions/subscription.schema';

/**
 * MongoDB-wire compatibility suite, status-page-api part (see key-service's
 * test/mongo-compat.int-spec.ts): the content and page-settings repositories' writes, unique
 * indexes and cursor queries on the engine of MONGODB_URI over the services' pool (20).
 */
describe('MongoDB-wire compatibility: status-page-api repositories', () => {
  const db = `compat_status_page_api_${Date.now()}`;
  const scope = { orgId: 'o1', statusPageId: 'p1' };
  let conn: Connection;

  beforeAll(async () => {
    if (!process.env.MONGODB_URI) throw new Error('run through npm test: MONGODB_URI is required');
    const { uri, ...options } = mongooseOptions(mongoEnvSchema.parse({ MONGODB_URI: process.env.MONGODB_URI }), db);
    conn = await mongoose.createConnection(uri, options).asPromise();
  });

  afterAll(async () => {
    await conn?.dropDatabase();
    await conn?.close();
  });

  describe('content', () => {
    let incidents: ContentRepository;
    let subscriptions: ContentRepository;

    beforeAll(async () => {
      incidents = new ContentRepository(conn.model(Incident.name, IncidentSchema) as unknown as Model<ContentRecord>);
      subscriptions = new ContentRepository(conn.model(Subscription.name, SubscriptionSchema) as unknown as Model<ContentRecord>);
      await Promise.all([incidents.ready(), subscriptions.ready()]);
    });

    it('creates, reads, updates ($set + $unset, findOneAndUpdate) and deletes within the scope only', async () => {
      const created = await incidents.create(scope, { title: 'Down', status: 'investigating', message: 'looking' });
      const id = String(created._id);
      expect(await incidents.findById({ orgId: 'o1', statusPageId: 'other' }, id)).toBeNull();
      const updated = await incidents.update(scope, id, { status: 'resolved', message: null });
      expect(updated).toMatchObject({ title: 'Down', status: 'resolved' });
      expect(updated).not.toHaveProperty('message');
      expect(await incidents.delete({ orgId: 'o2', statusPageId: 'p1' }, id)).toBe(false);
      expect(await incidents.delete(scope, id)).toBe(true);
      expect(await incidents.findById(scope, id)).toBeNull();
    });

    it('pages newest first through a (createdAt, _id) cursor: $or of $lt, two-key sort, limit', async () => {
      for (let i = 0; i < 7; i++) await incidents.create(scope, { title: `t${i}`, status: 'investigating' });
      const seen: string[] = [];
      let after: { createdAt: Date; id: string } | undefined;
      for (;;) {
        const page = await incidents.list(scope, { limit: 3, after });
        if (page.length === 0) break;
        seen.push(...page.map((r) => r.title as string));
        const last = page[page.length - 1];
        after = { createdAt: last.createdAt, id: String(last._id) };
      }
      expect(seen).toEqual(['t6', 't5', 't4', 't3', 't2', 't1', 't0']);
    });

    it('refuses a second subscription of one email on a page (compound unique index) on create and on update', async () => {
      await subscriptions.create(scope, { email: 'a@example.com' });
      const other = await subscriptions.create(scope, { email: 'b@example.com' });
      await expect(subscriptions.create(scope, { email: 'a@example.com' })).rejects.toBeInstanceOf(DuplicateRecordError);
      await expect(subscriptions.update(scope, String(other._id), { email: 'a@example.com' })).rejects.toBeInstanceOf(DuplicateRecordError);
      // Another page may have the same email.
      await expect(subscriptions.create({ orgId: 'o1', statusPageId: 'p2' }, { email: 'a@example.com' })).resolves.toBeDefined();
    });

    it("deletes a page's content (deleteMany) and nothing of other pages", async () => {
      expect(await subscriptions.deleteAll(scope)).toBe(2);
      expect(await subscriptions.list({ orgId: 'o1', statusPageId: 'p2' }, { limit: 10 })).toHaveLength(1);
    });
  });

  describe('page settings', () => {
    let settings: PageSettingsRepository;

    beforeAll(async () => {
      settings = new PageSettingsRepository(conn.model(PageSettings.name, PageSettingsSchema));
      await settings.onModuleInit();
    });

    it('creates on the first change (upserting findOneAndUpdate), then sets and unsets fields', async () => {
      expect(await settings.find(scope)).toBeNull();
      expect(await settings.upsert(scope, { name: 'Main', timezone: 'UTC' }, [])).toMatchObject({ name: 'Main', timezone: 'UTC' });
      const after = await settings.upsert(scope, { theme: { primary: '#000' } }, ['timezone']);
      expect(after).toMatchObject({ name: 'Main', theme: { primary: '#000' } });
      expect(after).not.toHaveProperty('timezone');
    });

    it('20 concurrent first changes of one page make one document (the unique index refuses the losers, who retry)', async () => {
      const racing = { orgId: 'o1', statusPageId: 'race' };
      await Promise.all(Array.from({ length: 20 }, (_, i) => settings.upsert(racing, { [`f${i % 3}`]: String(i), name: `n${i}` }, [])));
      expect(await conn.collection('page_settings').countDocuments(racing)).toBe(1);
    });

    it('answers a duplicate of the unique (orgId, statusPageId) index with E11000', async () => {
      const raw = conn.collection('page_settings');
      const error = await raw.insertOne({ orgId: 'o1', statusPageId: 'p1' }).catch((e: unknown) => e);
      expect(isDuplicateKeyError(error)).toBe(true);
      expect(error).toMatchObject({ code: 11000 });
    });
  });

  it("reads an org's invoices newest first with a limit", async () => {
    const invoices = conn.model(Invoice.name, InvoiceSchema);
    await invoices.init();
    await invoices.insertMany(
      [1, 2, 3].map((i) => ({ orgId: 'o1', number: `INV-${i}`, amountCents: i * 100, currency: 'EUR', status: 'paid', issuedAt: new Date(Date.UTC(2026, i, 1)) })),
    );
    const rows = await invoices.find({ orgId: 'o1' }).sort({ issuedAt: -1 }).limit(100).lean().exec();
    expect(rows.map((r) => r.number)).toEqual(['INV-3', 'INV-2', 'INV-1']);
  });
});
