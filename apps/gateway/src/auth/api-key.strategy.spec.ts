import type { ConfigService } from '@nestjs/config';
import * as apiKeys from '@sp/api-keys';
import type { KeyRecord } from '@sp/permissions';
import type { GatewayEnv } from '../config/env.schema';
import type { AccessViewService } from '../view/access-view.service';
import { ApiKeyStrategy } from './api-key.strategy';
import { RequestHeaders } from './request-headers';

jest.mock('@sp/api-keys', () => {
  const actual = jest.requireActual<typeof import('@sp/api-keys')>('@sp/api-keys');
  return { ...actual, hashApiKey: jest.fn(actual.hashApiKey) };
});

const PEPPER = 'test-pepper-0123456789abcdef0123456789abcdef';
const hashApiKey = apiKeys.hashApiKey as jest.MockedFunction<typeof apiKeys.hashApiKey>;

describe('ApiKeyStrategy.lookup', () => {
  const a = apiKeys.generateApiKey('org').key;
  const b = apiKeys.generateApiKey('user').key;
  const records = new Map<string, KeyRecord>([
    [apiKeys.hashApiKey(a, PEPPER), { keyId: 'key_a' } as KeyRecord],
    [apiKeys.hashApiKey(b, PEPPER), { keyId: 'key_b' } as KeyRecord],
  ]);
  const views = { view: { keyByHash: (hash: string) => records.get(hash) } } as unknown as AccessViewService;
  const config = { get: () => PEPPER } as unknown as ConfigService<GatewayEnv, true>;
  const headers = (raw: string[]) => new RequestHeaders().read(raw);
  const bearer = (key: string) => headers(['authorization', `Bearer ${key}`]);
  let strategy: ApiKeyStrategy;

  beforeEach(() => {
    strategy = new ApiKeyStrategy(config, views);
    hashApiKey.mockClear();
  });

  it('finds the key presented in either header, and nothing for a missing, malformed or unknown key', () => {
    expect(strategy.lookup({ headers: bearer(a), connection: null })?.keyId).toBe('key_a');
    expect(strategy.lookup({ headers: headers(['x-api-key', b]), connection: null })?.keyId).toBe('key_b');
    expect(strategy.lookup({ headers: headers([]), connection: null })).toBeNull();
    expect(strategy.lookup({ headers: bearer(`${a.slice(0, -1)}x`), connection: null })).toBeNull();
    expect(strategy.lookup({ headers: bearer(apiKeys.generateApiKey('org').key), connection: null })).toBeNull();
  });

  it('hashes a key once per connection while the connection keeps presenting it', () => {
    const socket = {};
    for (let i = 0; i < 5; i++) expect(strategy.lookup({ headers: bearer(a), connection: socket })?.keyId).toBe('key_a');
    expect(hashApiKey).toHaveBeenCalledTimes(1);
    strategy.lookup({ headers: bearer(a), connection: {} });
    expect(hashApiKey).toHaveBeenCalledTimes(2);
  });

  it('needs the same key headers, not only the same key, to reuse the remembered hash', () => {
    const socket = {};
    expect(strategy.lookup({ headers: bearer(a), connection: socket })?.keyId).toBe('key_a');
    // The same key in the other header, or in both: a fresh check, same answer.
    expect(strategy.lookup({ headers: headers(['x-api-key', a]), connection: socket })?.keyId).toBe('key_a');
    expect(strategy.lookup({ headers: headers(['authorization', `Bearer ${a}`, 'x-api-key', a]), connection: socket })?.keyId).toBe('key_a');
    // Remembered Authorization plus a conflicting X-API-Key: ambiguous, refused.
    expect(strategy.lookup({ headers: headers(['authorization', `Bearer ${a}`, 'x-api-key', b]), connection: socket })).toBeNull();
    expect(hashApiKey).toHaveBeenCalledTimes(3);
  });

  it('never answers one key with another key remembered on the same connection', () => {
    const socket = {};
    expect(strategy.lookup({ headers: bearer(a), connection: socket })?.keyId).toBe('key_a');
    expect(strategy.lookup({ headers: bearer(b), connection: socket })?.keyId).toBe('key_b');
    // Same length, one character off (and so a bad checksum): rejected, not mistaken for b.
    const off = `${b.slice(0, 10)}${b[10] === 'a' ? 'b' : 'a'}${b.slice(11)}`;
    expect(strategy.lookup({ headers: bearer(off), connection: socket })).toBeNull();
    expect(strategy.lookup({ headers: headers([]), connection: socket })).toBeNull();
    // Same number of characters, not the same bytes.
    expect(strategy.lookup({ headers: bearer(`${b.slice(0, -1)}é`), connection: socket })).toBeNull();
    expect(strategy.lookup({ headers: bearer(a), connection: socket })?.keyId).toBe('key_a');
    expect(strategy.lookup({ headers: bearer(`${a.slice(0, -1)}é`), connection: socket })).toBeNull();
  });

  it('reads the key record from the view on every request, so a change applies to the next one', () => {
    const socket = {};
    const hash = apiKeys.hashApiKey(a, PEPPER);
    expect(strategy.lookup({ headers: bearer(a), connection: socket })?.keyId).toBe('key_a');
    records.set(hash, { keyId: 'key_a', revoked: true } as KeyRecord);
    expect(strategy.lookup({ headers: bearer(a), connection: socket })?.revoked).toBe(true);
    records.delete(hash);
    expect(strategy.lookup({ headers: bearer(a), connection: socket })).toBeNull();
  });
});
