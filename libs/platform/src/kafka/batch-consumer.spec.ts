import { z } from 'zod';
import { backoffMs, BatchConsumer, COMMIT_INTERVAL_MS, parseMessage } from './batch-consumer';
import type { KafkaPublisher } from './kafka.publisher';

describe('parseMessage', () => {
  const schema = z.object({ a: z.number() });
  it('accepts valid JSON matching the schema', () => {
    expect(parseMessage(schema, Buffer.from('{"a":1}'))).toEqual({ ok: true, value: { a: 1 } });
  });
  it('rejects empty, non-JSON and schema-invalid messages with the reason', () => {
    expect(parseMessage(schema, null)).toEqual({ ok: false, error: 'empty message' });
    expect(parseMessage(schema, Buffer.from('{nope'))).toMatchObject({ ok: false, error: expect.stringMatching(/^invalid JSON/) });
    expect(parseMessage(schema, Buffer.from('{"a":"x"}'))).toMatchObject({ ok: false, error: expect.stringMatching(/^schema: a:/) });
  });
});

describe('backoffMs', () => {
  it('stays within [initial, max]', () => {
    for (let attempt = 1; attempt < 50; attempt++) {
      const ms = backoffMs(attempt, 100, 5000);
      expect(ms).toBeGreaterThanOrEqual(100);
      expect(ms).toBeLessThanOrEqual(5000);
    }
  });
});

describe('BatchConsumer offset commits', () => {
  // The commit is kafkajs' own (a real broker in the integration suites); here only when it runs.
  const consumer = () =>
    new BatchConsumer({
      brokers: ['127.0.0.1:1'],
      clientId: 'spec',
      groupId: 'spec',
      topic: 'spec',
      deadLetterTopic: null,
      fromBeginning: true,
      schema: z.unknown(),
      handle: async () => undefined,
      publisher: {} as KafkaPublisher,
    }) as unknown as { commitSoon(commit: () => Promise<void>): void; stop(): Promise<void> };

  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('commits once per interval, after the batches, not with each of them', async () => {
    const c = consumer();
    const commit = jest.fn(async () => undefined);
    c.commitSoon(commit);
    c.commitSoon(commit);
    c.commitSoon(commit);
    expect(commit).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(COMMIT_INTERVAL_MS - 1);
    expect(commit).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);
    expect(commit).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(COMMIT_INTERVAL_MS * 3);
    expect(commit).toHaveBeenCalledTimes(1);
  });

  it('commits what is applied when it stops, and a failed commit is only logged', async () => {
    const c = consumer();
    const commit = jest.fn(async () => {
      throw new Error('coordinator gone');
    });
    c.commitSoon(commit);
    await c.stop();
    expect(commit).toHaveBeenCalledTimes(1);
    await jest.advanceTimersByTimeAsync(COMMIT_INTERVAL_MS * 2);
    expect(commit).toHaveBeenCalledTimes(1);
  });
});
