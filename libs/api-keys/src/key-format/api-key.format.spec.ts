import fc from 'fast-check';
import { API_KEY_LENGTH, generateApiKey, KEY_PREFIXES, parseApiKey, SECRET_LENGTH } from './api-key.format';
import { BASE62_ALPHABET, encodeBase62, randomBase62 } from './base62';

describe('api key format', () => {
  it.each(['org', 'user'] as const)('generates a %s key with prefix, 256-bit secret and checksum', (type) => {
    const { key, prefix, last4 } = generateApiKey(type);
    expect(prefix).toBe(KEY_PREFIXES[type]);
    expect(key.startsWith(prefix)).toBe(true);
    expect(key).toHaveLength(API_KEY_LENGTH);
    expect(last4).toBe(key.slice(-4));
    expect(SECRET_LENGTH * Math.log2(62)).toBeGreaterThanOrEqual(256);
    expect(parseApiKey(key)).toBe(type);
  });

  it('never generates the same key twice in 10k draws', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 10_000; i++) seen.add(generateApiKey('org').key);
    expect(seen.size).toBe(10_000);
  });

  it('rejects every single-character change (checksum)', () => {
    const { key } = generateApiKey('user');
    let accepted = 0;
    for (let i = 7; i < key.length; i++) {
      for (const c of ['0', 'a', 'Z']) {
        if (key[i] === c) continue;
        const bad = key.slice(0, i) + c + key.slice(i + 1);
        if (parseApiKey(bad) !== null) accepted++;
      }
    }
    expect(accepted).toBe(0);
  });

  it('rejects junk, wrong prefixes, wrong lengths and whitespace', () => {
    const { key } = generateApiKey('org');
    for (const bad of ['', 'sp_org_', key + 'a', key.slice(1), ' ' + key.slice(1), key.replace('sp_org_', 'sp_usr_'),
      key.replace('sp_org_', 'xx_org_'), key.slice(0, -1) + '!', 'Bearer ' + key]) {
      expect(parseApiKey(bad)).toBeNull();
    }
  });

  it('rejects arbitrary strings (property)', () => {
    fc.assert(fc.property(fc.string({ maxLength: 80 }), (s) => parseApiKey(s) === null || s.startsWith('sp_')));
  });

  it('draws base62 characters uniformly enough', () => {
    const counts = new Map<string, number>();
    const sample = randomBase62(62_000);
    for (const c of sample) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(62);
    for (const c of BASE62_ALPHABET) {
      expect(counts.get(c)).toBeGreaterThan(700);
      expect(counts.get(c)).toBeLessThan(1300);
    }
  });

  it('encodes fixed-width base62 and refuses overflow', () => {
    expect(encodeBase62(0, 3)).toBe('000');
    expect(encodeBase62(61, 2)).toBe('0z');
    expect(encodeBase62(0xffffffff, 6)).toHaveLength(6);
    expect(() => encodeBase62(62 ** 2, 2)).toThrow(RangeError);
  });
});
