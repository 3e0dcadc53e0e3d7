import type { ConfigService } from '@nestjs/config';
import type { KafkaPublisher, OutgoingMessage } from '@sp/platform';
import { keyUsedEventSchema, type KeyUsedEvent } from '@sp/contracts';
import { GatewayMetrics } from '../metrics/gateway.metrics';
import { UsagePublisher, type UsageRecord } from './usage.publisher';

const usage = (over: Partial<UsageRecord> = {}): UsageRecord => ({
  orgId: 'o1', keyId: 'key_1', decision: 'allow', reason: 'allowed', permission: 'incident:read',
  method: 'GET', route: '/v1/status-pages/:pageId/incidents', status: 200, clientIp: '203.0.113.1', ...over,
});

function setup(capacity = 100) {
  const sent: OutgoingMessage[][] = [];
  let fail = 0;
  const publisher = {
    publish: async (_topic: string, messages: OutgoingMessage[]) => {
      if (fail > 0) {
        fail--;
        throw new Error('broker down');
      }
      sent.push(messages);
      return [];
    },
  } as unknown as KafkaPublisher;
  const config = { get: (k: string) => ({ USAGE_BUFFER_SIZE: capacity, USAGE_FLUSH_MS: 1000, USAGE_BATCH_SIZE: 2 })[k] } as unknown as ConfigService;
  const usagePublisher = new UsagePublisher(config as never, publisher, new GatewayMetrics());
  return { usagePublisher, sent, failNext: (n: number) => (fail = n) };
}

describe('UsagePublisher', () => {
  it('publishes one valid event per kind of decision, with its count', async () => {
    const { usagePublisher, sent } = setup();
    for (let i = 0; i < 1000; i++) usagePublisher.record(usage());
    usagePublisher.record(usage({ decision: 'deny', reason: 'insufficient_permissions', status: 403 }));
    usagePublisher.record(usage({ keyId: 'key_2' }));
    await usagePublisher.flush();
    const events = sent.flat().map((m) => m.value as KeyUsedEvent);
    expect(events.map((e) => [e.keyId, e.decision, e.count])).toEqual([['key_1', 'allow', 1000], ['key_1', 'deny', 1], ['key_2', 'allow', 1]]);
    for (const e of events) expect(keyUsedEventSchema.safeParse(e).success).toBe(true);
    expect(sent.map((b) => b.length)).toEqual([2, 1]);
    expect(sent[0][0].key).toBe('key_1');
    expect(usagePublisher.pending).toBe(0);
  });

  it('copies a record that starts a tally, so the caller may reuse its object', async () => {
    const { usagePublisher, sent } = setup();
    const scratch = usage();
    usagePublisher.record(scratch);
    Object.assign(scratch, { decision: 'deny', reason: 'rate_limited', status: 429 });
    usagePublisher.record(scratch);
    usagePublisher.record(scratch);
    Object.assign(scratch, { keyId: 'key_2', decision: 'allow', reason: 'allowed', status: 200 });
    usagePublisher.record(scratch);
    await usagePublisher.flush();
    const events = sent.flat().map((m) => m.value as KeyUsedEvent);
    expect(events.map((e) => [e.keyId, e.reason, e.status, e.count])).toEqual([
      ['key_1', 'allowed', 200, 1],
      ['key_1', 'rate_limited', 429, 2],
      ['key_2', 'allowed', 200, 1],
    ]);
  });

  it('drops and counts new kinds of decision beyond its capacity, never blocking', async () => {
    const { usagePublisher, sent } = setup(2);
    usagePublisher.record(usage({ clientIp: 'a' }));
    usagePublisher.record(usage({ clientIp: 'b' }));
    usagePublisher.record(usage({ clientIp: 'c' }));
    usagePublisher.record(usage({ clientIp: 'a' }));
    expect(usagePublisher.dropped).toBe(1);
    await usagePublisher.flush();
    expect(sent.flat().map((m) => (m.value as KeyUsedEvent).count)).toEqual([2, 1]);
  });

  it('keeps events whose publish failed for the next flush', async () => {
    const { usagePublisher, sent, failNext } = setup();
    usagePublisher.record(usage());
    failNext(1);
    await usagePublisher.flush();
    expect(sent).toHaveLength(0);
    expect(usagePublisher.pending).toBe(1);
    usagePublisher.record(usage());
    await usagePublisher.flush();
    expect(sent.flat().map((m) => (m.value as KeyUsedEvent).count)).toEqual([1, 1]);
  });

  it('gives every org a fair share of a full buffer and counts drops per org', async () => {
    const { usagePublisher, sent } = setup(4);
    // A busy org fills the whole buffer with distinct kinds of decision...
    for (let i = 0; i < 10; i++) usagePublisher.record(usage({ orgId: 'busy', keyId: 'key_busy', clientIp: `10.0.0.${i}` }));
    expect(usagePublisher.pending).toBe(4);
    expect(usagePublisher.droppedByOrg.get('busy')).toBe(6);
    // ...and a quiet org still gets its usage in, up to its share (4 / 2 orgs), at the busy org's expense.
    usagePublisher.record(usage({ orgId: 'quiet', keyId: 'key_quiet', clientIp: 'a' }));
    usagePublisher.record(usage({ orgId: 'quiet', keyId: 'key_quiet', clientIp: 'b' }));
    usagePublisher.record(usage({ orgId: 'quiet', keyId: 'key_quiet', clientIp: 'c' }));
    usagePublisher.record(usage({ orgId: 'quiet', keyId: 'key_quiet', clientIp: 'a' })); // a repeat is counted, never dropped
    expect(usagePublisher.droppedByOrg.get('quiet')).toBe(1);
    expect(usagePublisher.droppedByOrg.get('busy')).toBe(8);
    expect(usagePublisher.dropped).toBe(9);
    await usagePublisher.flush();
    const events = sent.flat().map((m) => m.value as KeyUsedEvent);
    expect(events.filter((e) => e.orgId === 'quiet').map((e) => [e.clientIp, e.count])).toEqual([['a', 2], ['b', 1]]);
    expect(events.filter((e) => e.orgId === 'busy')).toHaveLength(2);
  });
});
