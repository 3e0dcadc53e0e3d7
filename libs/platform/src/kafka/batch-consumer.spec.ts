import { z } from 'zod';
import { backoffMs, parseMessage } from './batch-consumer';

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
