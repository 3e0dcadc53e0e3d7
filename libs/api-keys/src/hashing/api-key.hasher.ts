import { createHmac, timingSafeEqual } from 'node:crypto';
import { API_KEY_LENGTH } from '../key-format/api-key.format';

/** HMAC-SHA256 of the key with the server-side pepper, hex. The only form in which keys are stored. */
export function hashApiKey(key: string, pepper: string): string {
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
 * Constant-time equality of a presented text and a known well-formed key, without allocating: all
 * API_KEY_LENGTH characters are compared whatever differs, with no early exit. A text of another
 * length is never a key (a key's length is public), so the length check leaks nothing secret.
 */
export function sameKeyText(known: string, presented: string): boolean {
  if (known.length !== API_KEY_LENGTH || presented.length !== API_KEY_LENGTH) return false;
  let diff = 0;
  for (let i = 0; i < API_KEY_LENGTH; i++) diff |= known.charCodeAt(i) ^ presented.charCodeAt(i);
  return diff === 0;
}
