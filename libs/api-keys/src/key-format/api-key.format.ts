import { crc32 } from 'node:zlib';
import type { KeyType } from '@sp/contracts';
import { encodeBase62, randomBase62 } from './base62';

/**
 * Key format (DESIGN.md "Keys"): `sp_<type>_<secret><checksum>`
 *   - prefix `sp_org_` or `sp_usr_` names issuer and type, so scanners can recognise leaked keys;
 *   - secret: 43 base62 characters from a CSPRNG (43 * log2(62) = 256 bits);
 *   - checksum: CRC32 of prefix + secret, 6 base62 characters, so junk is rejected before any lookup.
 */
export const KEY_PREFIXES: Record<KeyType, string> = { org: 'sp_org_', user: 'sp_usr_' };
export const SECRET_LENGTH = 43;
export const CHECKSUM_LENGTH = 6;
export const API_KEY_LENGTH = KEY_PREFIXES.org.length + SECRET_LENGTH + CHECKSUM_LENGTH;

const KEY_PATTERN = /^sp_(org|usr)_([0-9A-Za-z]{43})([0-9A-Za-z]{6})$/;

function checksum(prefixAndSecret: string): string {
  return encodeBase62(crc32(prefixAndSecret), CHECKSUM_LENGTH);
}

export interface GeneratedApiKey {
  /** The plaintext key: returned to the caller once, never stored or logged. */
  key: string;
  prefix: string;
  last4: string;
}

export function generateApiKey(type: KeyType): GeneratedApiKey {
  const prefix = KEY_PREFIXES[type];
  const body = prefix + randomBase62(SECRET_LENGTH);
  const key = body + checksum(body);
  return { key, prefix, last4: key.slice(-4) };
}

/**
 * The key's type when `text` has the format and a valid checksum, else null. Cheap and
 * allocation-light: the gateway calls it on every request before any lookup.
 */
export function parseApiKey(text: string): KeyType | null {
  if (text.length !== API_KEY_LENGTH) return null;
  const m = KEY_PATTERN.exec(text);
  if (m === null) return null;
  const body = text.slice(0, text.length - CHECKSUM_LENGTH);
  if (checksum(body) !== m[3]) return null;
  return m[1] === 'org' ? 'org' : 'user';
}

/** Random id for keys and events that need one (not a secret). */
export function newKeyId(): string {
  return `key_${randomBase62(22)}`;
}
