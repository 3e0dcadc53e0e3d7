import { createHmac } from 'node:crypto';
import { inspect } from 'node:util';
import { generateApiKey } from '../key-format/api-key.format';
import { hashApiKey, pepperKey, sameText, secretsEqual } from './api-key.hasher';

describe('api key hashing', () => {
  it('is HMAC-SHA256 with the pepper, hex', () => {
    const expected = createHmac('sha256', 'pepper-1').update('sp_org_x').digest('hex');
    expect(hashApiKey('sp_org_x', 'pepper-1')).toBe(expected);
    expect(hashApiKey('sp_org_x', 'pepper-1')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives the same hash with the pepper as a KeyObject, which does not show the pepper', () => {
    const key = generateApiKey('user').key;
    const pepper = pepperKey('pepper-1');
    expect(hashApiKey(key, pepper)).toBe(hashApiKey(key, 'pepper-1'));
    expect(hashApiKey(key, pepperKey('pepper-2'))).not.toBe(hashApiKey(key, pepper));
    expect(JSON.stringify({ pepper })).not.toContain('pepper-1');
    expect(inspect(pepper)).not.toContain('pepper-1');
  });

  it('depends on the pepper and on the key', () => {
    expect(hashApiKey('k', 'p1')).not.toBe(hashApiKey('k', 'p2'));
    expect(hashApiKey('k1', 'p')).not.toBe(hashApiKey('k2', 'p'));
    expect(hashApiKey('k', 'p')).not.toContain('k');
  });

  it('compares secrets of any length', () => {
    expect(secretsEqual('token', 'token')).toBe(true);
    expect(secretsEqual('token', 'token2')).toBe(false);
    expect(secretsEqual('', 'x')).toBe(false);
    expect(secretsEqual('', '')).toBe(true);
  });

  it('compares a presented text with a known one, character for character', () => {
    const { key } = generateApiKey('org');
    expect(sameText(key, `${key}`)).toBe(true);
    expect(sameText(`Bearer ${key}`, `Bearer ${key}`)).toBe(true);
    for (const i of [0, 7, 30, key.length - 1]) {
      const other = key.slice(0, i) + (key[i] === 'a' ? 'b' : 'a') + key.slice(i + 1);
      expect(sameText(key, other)).toBe(false);
    }
    expect(sameText(key, `${key.slice(0, -1)}\u0100`)).toBe(false);
    expect(sameText(key, key.slice(0, -1))).toBe(false);
    expect(sameText(key, `${key}x`)).toBe(false);
    expect(sameText('', '')).toBe(true);
    expect(sameText('', 'x')).toBe(false);
  });
});
