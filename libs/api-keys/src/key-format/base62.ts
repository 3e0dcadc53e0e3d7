import { randomBytes } from 'node:crypto';

export const BASE62_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * `length` characters drawn uniformly from the base62 alphabet with a CSPRNG (rejection sampling:
 * bytes >= 248 are discarded so every character has probability exactly 1/62).
 */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    const bytes = randomBytes(Math.ceil((length - out.length) * 1.1) + 4);
    for (let i = 0; i < bytes.length && out.length < length; i++) {
      const b = bytes[i];
      if (b < 248) out += BASE62_ALPHABET[b % 62];
    }
  }
  return out;
}

/** Fixed-width base62 of a non-negative integer below 62^width. */
export function encodeBase62(value: number, width: number): string {
  let out = '';
  let v = value;
  for (let i = 0; i < width; i++) {
    out = BASE62_ALPHABET[v % 62] + out;
    v = Math.floor(v / 62);
  }
  if (v !== 0) throw new RangeError(`${value} does not fit in ${width} base62 characters`);
  return out;
}
