import { createPublicKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';

/**
 * SECRET_SCANNING_PUBLIC_KEYS: a JSON object of key identifier to PEM (the public keys GitHub
 * publishes for its secret-scanning partner program). Not a secret. Each must be an EC P-256 public
 * key; anything else fails the start. Default: none, so every report is refused (401).
 */
export const secretScanningKeysSchema = z
  .string()
  .default('{}')
  .transform((text, ctx) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object of key identifier to PEM' });
      return z.NEVER;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object of key identifier to PEM' });
      return z.NEVER;
    }
    const keys = new Map<string, KeyObject>();
    for (const [id, pem] of Object.entries(parsed)) {
      const key = p256PublicKey(pem);
      if (key === null) {
        ctx.addIssue({ code: 'custom', message: `key ${id.slice(0, 100)}: not a PEM EC P-256 public key` });
        return z.NEVER;
      }
      keys.set(id, key);
    }
    return keys;
  });

function p256PublicKey(pem: unknown): KeyObject | null {
  if (typeof pem !== 'string') return null;
  try {
    const key = createPublicKey(pem);
    return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1' ? key : null;
  } catch {
    return null;
  }
}
