import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';

/**
 * The pepper as a secret KeyObject, made once when a service starts: createHmac with it skips
 * importing the key material on every call (measured on the gateway's request path, BENCHMARKS.md
 * issue 18 (a)), and the object does not print its material when logged or inspected.
 */
export function pepperKey(pepper: string): KeyObject {
  return createSecretKey(Buffer.from(pepper, 'utf8'));
}

/** HMAC-SHA256 of the key with the server-side pepper, hex. The only form in which keys are stored. */
export function hashApiKey(key: string, pepper: string | KeyObject): string {
  return createHmac('sha256', pepper).update(key, 'utf8').digest('hex');
}

/**
 * Constant-time equality of two secrets of any length: both sides are HMACed with a per-call
 * key first, so neither the content nor the length leaks through timing.
 */
export function secretsEqual(a: string, b: string, pepper = 'secrets-equal'): boolean {
  const ha = createHmac('sha256', pepper).update(a, 'utf8').digest();
  const hb = createHmac('sha256', pepper).update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb);
}

/**
 * Constant-time equality of a known text and a presented one, without allocating: every character
 * is compared whatever differs, with no early exit. Texts of different lengths are unequal at once,
 * so use it where a length is not secret (an API key's length is public).
 */
export function sameText(known: string, presented: string): boolean {
  const n = known.length;
  if (presented.length !== n) return false;
  let diff = 0;
  for (let i = 0; i < n; i++) diff |= known.charCodeAt(i) ^ presented.charCodeAt(i);
  return diff === 0;
}
