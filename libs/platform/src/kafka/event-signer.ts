import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { EVENT_SIGNATURE_HEADER } from '@sp/contracts';

/**
 * `EVENT_SIGNING_KEYS`: a JSON object of key id to HMAC-SHA256 secret. Every service that consumes
 * the access topic holds all keys it accepts; key-service signs with `EVENT_SIGNING_KEY_ID`. Rotation:
 * add the new key everywhere, switch key-service's key id, then drop the old key.
 */
export const eventSigningKeysSchema = z
  .string({ error: 'is required (JSON object of key id to HMAC-SHA256 secret of access events)' })
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object of key id to secret' });
      return z.NEVER;
    }
  })
  .pipe(
    z
      .record(z.string().regex(/^[A-Za-z0-9._-]{1,40}$/, 'key ids are 1-40 of A-Z a-z 0-9 . _ -'), z.string().min(32, 'each secret must be at least 32 characters'))
      .refine((keys) => Object.keys(keys).length > 0, 'must hold at least one key'),
  );

/**
 * For a service's env schema (`.extend({ ...eventSigningEnvShape })`): EVENT_SIGNING_KEYS, and
 * EVENT_SIGNING_KEY_ID, the entry key-service signs with (by default the only one; needed while
 * several are configured, during a rotation).
 */
export const eventSigningEnvShape = {
  EVENT_SIGNING_KEYS: eventSigningKeysSchema,
  EVENT_SIGNING_KEY_ID: z.string().min(1).optional(),
};
export interface EventSigningEnv {
  EVENT_SIGNING_KEYS: Record<string, string>;
  EVENT_SIGNING_KEY_ID?: string;
}

type HeaderValue = Buffer | string | (Buffer | string)[] | undefined;

/**
 * Signs and verifies access events: HMAC-SHA256 over the message value exactly as sent, in the
 * header `x-sp-signature: <key id>.<base64url mac>`. Consumers take only signed events, so the topic
 * is not a trust root: a writer without a key cannot create, move or revive keys.
 */
export class EventSigner {
  private readonly keys: ReadonlyMap<string, Buffer>;

  private readonly signingKeyId: string | undefined;

  constructor(keys: Readonly<Record<string, string>>, signingKeyId?: string) {
    this.keys = new Map(Object.entries(keys).map(([id, secret]) => [id, Buffer.from(secret, 'utf8')]));
    const ids = [...this.keys.keys()];
    if (signingKeyId !== undefined && !this.keys.has(signingKeyId)) {
      throw new Error(`EVENT_SIGNING_KEY_ID: "${signingKeyId}" is not one of EVENT_SIGNING_KEYS (${ids.join(', ')})`);
    }
    this.signingKeyId = signingKeyId ?? (ids.length === 1 ? ids[0] : undefined);
  }

  /** Throws unless this signer can sign (a producer checks at start rather than at its first event). */
  assertCanSign(): void {
    if (this.signingKeyId === undefined) throw new Error('EVENT_SIGNING_KEY_ID: is required when EVENT_SIGNING_KEYS holds several keys');
  }

  /** The signature header value of `value`. */
  sign(value: Buffer): string {
    this.assertCanSign();
    const keyId = this.signingKeyId as string;
    return `${keyId}.${this.mac(this.keys.get(keyId) as Buffer, value).toString('base64url')}`;
  }

  /** Null when `value` carries a valid signature of a known key, else why not. */
  verify(value: Buffer | null, header: HeaderValue): string | null {
    const text = Array.isArray(header) ? (header.length === 1 ? header[0] : undefined) : header;
    if (text === undefined) return `signature: missing or repeated ${EVENT_SIGNATURE_HEADER} header`;
    const [keyId, mac, extra] = text.toString('utf8').split('.');
    if (extra !== undefined || !keyId || !mac) return 'signature: malformed header';
    const key = this.keys.get(keyId);
    if (key === undefined) return `signature: unknown key id "${keyId.slice(0, 40)}"`;
    const expected = this.mac(key, value ?? Buffer.alloc(0));
    const given = Buffer.from(mac, 'base64url');
    return given.length === expected.length && timingSafeEqual(given, expected) ? null : 'signature: does not match';
  }

  private mac(key: Buffer, value: Buffer): Buffer {
    return createHmac('sha256', key).update(value).digest();
  }
}
