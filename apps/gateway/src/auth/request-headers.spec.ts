import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { RequestHeaders } from './request-headers';

describe('RequestHeaders', () => {
  it('reads the four headers in any case, and nothing else', () => {
    const h = new RequestHeaders().read([
      'Host', 'gw', 'AUTHORIZATION', 'Bearer k', 'X-Api-Key', 'k2', 'x-consistency-token', 't', 'X-Forwarded-For', '1.2.3.4', 'Cookie', 'c',
    ]);
    expect({ ...h }).toEqual({ authorization: 'Bearer k', apiKey: 'k2', consistencyToken: 't', forwardedFor: '1.2.3.4' });
  });

  it("follows Node's rules for repeats: Authorization keeps the first, the others are joined", () => {
    const h = new RequestHeaders().read([
      'authorization', 'Bearer a', 'Authorization', 'Bearer b', 'x-api-key', 'k1', 'x-api-key', 'k2',
      'x-consistency-token', 't1', 'X-Consistency-Token', 't2', 'x-forwarded-for', '1.1.1.1', 'x-forwarded-for', '2.2.2.2',
    ]);
    expect({ ...h }).toEqual({ authorization: 'Bearer a', apiKey: 'k1, k2', consistencyToken: 't1, t2', forwardedFor: '1.1.1.1, 2.2.2.2' });
  });

  it('forgets the previous request when reused, and copies', () => {
    const h = new RequestHeaders().read(['authorization', 'Bearer a', 'x-api-key', 'k']);
    const copy = h.copy();
    h.read(['host', 'x', 'authorisation', 'same length, other name']);
    expect({ ...h }).toEqual({ authorization: undefined, apiKey: undefined, consistencyToken: undefined, forwardedFor: undefined });
    expect(copy).toBeInstanceOf(RequestHeaders);
    expect(copy.authorization).toBe('Bearer a');
    expect(copy.apiKey).toBe('k');
  });

  it('agrees with what Node puts in req.headers for the same raw list', () => {
    const raws = [
      ['X-API-KEY', 'a', 'x-api-key', 'b', 'Authorization', 'Bearer 1', 'authorization', 'Bearer 2', 'X-Forwarded-For', '9.9.9.9', 'x-forwarded-for', '8.8.8.8'],
      ['X-Consistency-Token', 't', 'AuThOrIzAtIoN', 'x', 'host', 'h'],
      ['x-consistency-token', 't1', 'x-consistency-token', 't2', 'X-API-Key', ''],
      [],
    ];
    for (const raw of raws) {
      const message = new IncomingMessage(new Socket());
      // What Node's HTTP parser does with a request's header lines; req.headers is built from them on first access.
      (message as unknown as { _addHeaderLines(raw: string[], n: number): void })._addHeaderLines(raw, raw.length);
      const node = message.headers;
      const h = new RequestHeaders().read(raw);
      expect([h.authorization, h.apiKey, h.consistencyToken, h.forwardedFor]).toEqual([
        node.authorization,
        node['x-api-key'],
        node['x-consistency-token'],
        node['x-forwarded-for'],
      ]);
    }
  });
});
