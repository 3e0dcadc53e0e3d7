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

describe('ApiKeyStrategy lookup and recall', () => {
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

  it('remembers a well-formed key per connection: recall finds it without hashing again', () => {
    const socket = {};
    expect(strategy.recall(bearer(a), socket)).toBeUndefined(); // new to the connection: passport's turn
    expect(strategy.lookup({ headers: bearer(a), connection: socket })?.keyId).toBe('key_a');
    for (let i = 0; i < 5; i++) expect(strategy.recall(bearer(a), socket)?.keyId).toBe('key_a');
    expect(hashApiKey).toHaveBeenCalledTimes(1);
    // Another connection, or no connection, knows nothing.
    expect(strategy.recall(bearer(a), {})).toBeUndefined();
    expect(strategy.recall(bearer(a), null)).toBeUndefined();
    strategy.lookup({ headers: bearer(a), connection: null });
    expect(strategy.recall(bearer(a), null)).toBeUndefined();
  });

  it('remembers nothing for a missing, malformed or unknown-format key', () => {
    const socket = {};
    expect(strategy.lookup({ headers: headers([]), connection: socket })).toBeNull();
    expect(strategy.lookup({ headers: bearer(`${a.slice(0, -1)}x`), connection: socket })).toBeNull();
    expect(strategy.lookup({ headers: headers(['authorization', `Bearer ${a}`, 'x-api-key', b]), connection: socket })).toBeNull();
    expect(strategy.recall(headers([]), socket)).toBeUndefined();
    expect(strategy.recall(bearer(`${a.slice(0, -1)}x`), socket)).toBeUndefined();
    expect(hashApiKey).not.toHaveBeenCalled();
  });

  it('needs the same key headers, not only the same key, to recall', () => {
    const socket = {};
    expect(strategy.lookup({ headers: bearer(a), connection: socket })?.keyId).toBe('key_a');
    // The same key in the other header, or in both, or with another scheme spelling: not recalled.
    expect(strategy.recall(headers(['x-api-key', a]), socket)).toBeUndefined();
    expect(strategy.recall(headers(['authorization', `Bearer ${a}`, 'x-api-key', a]), socket)).toBeUndefined();
    expect(strategy.recall(headers(['authorization', `bearer ${a}`]), socket)).toBeUndefined();
    // Remembered Authorization plus a conflicting X-API-Key: not recalled, and passport refuses it.
    const ambiguous = headers(['authorization', `Bearer ${a}`, 'x-api-key', b]);
    expect(strategy.recall(ambiguous, socket)).toBeUndefined();
    expect(strategy.lookup({ headers: ambiguous, connection: socket })).toBeNull();
    // The ambiguous request did not replace what the connection remembers.
    expect(strategy.recall(bearer(a), socket)?.keyId).toBe('key_a');
  });

  it('never recalls one key for another presented on the same connection', () => {
    const socket = {};
    expect(strategy.lookup({ headers: bearer(a), connection: socket })?.keyId).toBe('key_a');
    expect(strategy.recall(bearer(b), socket)).toBeUndefined();
    expect(strategy.lookup({ headers: bearer(b), connection: socket })?.keyId).toBe('key_b');
    expect(strategy.recall(bearer(b), socket)?.keyId).toBe('key_b');
    expect(strategy.recall(bearer(a), socket)).toBeUndefined(); // only the last key is remembered
    // Same length, one character off: not recalled (and passport rejects its checksum).
    const off = `${b.slice(0, 10)}${b[10] === 'a' ? 'b' : 'a'}${b.slice(11)}`;
    expect(strategy.recall(bearer(off), socket)).toBeUndefined();
    expect(strategy.lookup({ headers: bearer(off), connection: socket })).toBeNull();
    // Same number of characters, not the same bytes.
    expect(strategy.recall(bearer(`${b.slice(0, -1)}é`), socket)).toBeUndefined();
    expect(strategy.recall(headers([]), socket)).toBeUndefined();
  });

  it('reads the key record from the view on every request, so a change applies to the next one', () => {
    const socket = {};
    const hash = apiKeys.hashApiKey(a, PEPPER);
    expect(strategy.lookup({ headers: bearer(a), connection: socket })?.keyId).toBe('key_a');
    records.set(hash, { keyId: 'key_a', revoked: true } as KeyRecord);
    expect(strategy.recall(bearer(a), socket)?.revoked).toBe(true);
    records.delete(hash);
    expect(strategy.recall(bearer(a), socket)).toBeNull();
    expect(strategy.lookup({ headers: bearer(a), connection: socket })).toBeNull();
  });
});
