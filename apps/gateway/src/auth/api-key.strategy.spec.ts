import type { ConfigService } from '@nestjs/config';
import { generateApiKey, hashApiKey } from '@sp/api-keys';
import type { KeyRecord } from '@sp/permissions';
import type { GatewayEnv } from '../config/env.schema';
import type { AccessViewService } from '../view/access-view.service';
import { ApiKeyStrategy } from './api-key.strategy';

const PEPPER = 'test-pepper-0123456789abcdef0123456789abcdef';

describe('ApiKeyStrategy', () => {
  const a = generateApiKey('org').key;
  const b = generateApiKey('user').key;
  const records = new Map<string, KeyRecord>([
    [hashApiKey(a, PEPPER), { keyId: 'key_a' } as KeyRecord],
    [hashApiKey(b, PEPPER), { keyId: 'key_b' } as KeyRecord],
  ]);
  const views = { view: { keyByHash: (hash: string) => records.get(hash) } } as unknown as AccessViewService;
  const config = { get: () => PEPPER } as unknown as ConfigService<GatewayEnv, true>;
  const strategy = new ApiKeyStrategy(config, views);

  it('finds the key presented as Bearer, bare Authorization or X-API-Key', () => {
    expect(strategy.lookup({ authorization: `Bearer ${a}` })?.keyId).toBe('key_a');
    expect(strategy.lookup({ authorization: `bearer   ${a} ` })?.keyId).toBe('key_a');
    expect(strategy.lookup({ authorization: a })?.keyId).toBe('key_a');
    expect(strategy.lookup({ 'x-api-key': b })?.keyId).toBe('key_b');
    expect(strategy.lookup({ authorization: `Bearer ${b}`, 'x-api-key': b })?.keyId).toBe('key_b');
  });

  it('finds nothing for a missing, malformed, tampered, unknown or ambiguous key', () => {
    expect(strategy.lookup({})).toBeNull();
    expect(strategy.lookup({ authorization: `Basic ${a}` })).toBeNull();
    expect(strategy.lookup({ authorization: 'Bearer ' })).toBeNull();
    expect(strategy.lookup({ authorization: `Bearer ${a.slice(0, -1)}x` })).toBeNull();
    expect(strategy.lookup({ authorization: `Bearer ${generateApiKey('org').key}` })).toBeNull();
    expect(strategy.lookup({ authorization: `Bearer ${a}`, 'x-api-key': b })).toBeNull(); // two different keys
    expect(strategy.lookup({ authorization: a, 'x-api-key': b })).toBeNull();
    expect(strategy.lookup({ 'x-api-key': [a, a] })).toBeNull(); // repeated header
  });

  it('is what passport runs: false when there is no key', () => {
    expect(strategy.validate({ headers: { authorization: `Bearer ${a}` } })).toMatchObject({ keyId: 'key_a' });
    expect(strategy.validate({ headers: {} })).toBe(false);
  });
});
