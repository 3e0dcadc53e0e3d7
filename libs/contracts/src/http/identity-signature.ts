import { createHmac, timingSafeEqual, type KeyObject } from 'node:crypto';
import { IDENTITY_HEADERS } from './identity-headers';

/** What the gateway vouches for about an allowed request. Only `orgId` scopes data; the rest is informational. */
export interface SignedIdentity {
  orgId: string;
  keyId?: string;
  principal?: string;
  permission?: string;
}

/** How long a signature stays valid after it was made; a little clock skew is tolerated the other way. */
export const IDENTITY_SIGNATURE_MAX_AGE_MS = 30_000;
export const IDENTITY_SIGNATURE_MAX_SKEW_MS = 5_000;

/**
 * The signed text: a version tag, method, path (without the query string, which a client may
 * re-encode and which scopes nothing), the time and every identity field, one per line. Header
 * values cannot contain a newline, so no two inputs give the same text.
 */
function signedText(identity: SignedIdentity, method: string, path: string, signedAt: string): string {
  return `sp-identity-v1\n${method.toUpperCase()}\n${path}\n${signedAt}\n${identity.orgId}\n${identity.keyId ?? ''}\n${identity.principal ?? ''}\n${identity.permission ?? ''}`;
}

function sign(text: string, secret: string | KeyObject): Buffer {
  return createHmac('sha256', secret).update(text, 'utf8').digest();
}

/** `url`'s path: everything before the query string. */
export function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/**
 * The identity headers for one upstream request, signed (the gateway sets these; tests of the
 * upstream use it to act as the gateway). `url` may carry a query string; only its path is signed.
 */
export function signedIdentityHeaders(identity: SignedIdentity, method: string, url: string, secret: string | KeyObject, now = Date.now()): Record<string, string> {
  const signedAt = String(now);
  const headers: Record<string, string> = { [IDENTITY_HEADERS.orgId]: identity.orgId };
  if (identity.keyId !== undefined) headers[IDENTITY_HEADERS.keyId] = identity.keyId;
  if (identity.principal !== undefined) headers[IDENTITY_HEADERS.principal] = identity.principal;
  if (identity.permission !== undefined) headers[IDENTITY_HEADERS.permission] = identity.permission;
  headers[IDENTITY_HEADERS.signedAt] = signedAt;
  headers[IDENTITY_HEADERS.signature] = sign(signedText(identity, method, pathOf(url), signedAt), secret).toString('base64url');
  return headers;
}

export type IdentityVerdict = { ok: true; identity: SignedIdentity } | { ok: false; reason: 'missing' | 'malformed' | 'bad_signature' | 'expired' };

type HeaderBag = Record<string, string | string[] | undefined>;

function single(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/**
 * Checks the identity headers of a request the upstream received: present, signed with `secret`
 * over this method and path, signed at most IDENTITY_SIGNATURE_MAX_AGE_MS ago. The signature is
 * compared in constant time. `orgId` well-formedness is the caller's check.
 */
export function verifySignedIdentity(headers: HeaderBag, method: string, url: string, secret: string, now = Date.now()): IdentityVerdict {
  const orgId = single(headers[IDENTITY_HEADERS.orgId]);
  if (orgId === undefined) return { ok: false, reason: 'missing' };
  const signedAt = single(headers[IDENTITY_HEADERS.signedAt]);
  const signature = single(headers[IDENTITY_HEADERS.signature]);
  if (signedAt === undefined || signature === undefined || !/^\d{1,16}$/.test(signedAt)) return { ok: false, reason: 'malformed' };
  const identity: SignedIdentity = {
    orgId,
    keyId: single(headers[IDENTITY_HEADERS.keyId]),
    principal: single(headers[IDENTITY_HEADERS.principal]),
    permission: single(headers[IDENTITY_HEADERS.permission]),
  };
  const expected = sign(signedText(identity, method, pathOf(url), signedAt), secret);
  const presented = Buffer.from(signature, 'base64url');
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return { ok: false, reason: 'bad_signature' };
  const age = now - Number(signedAt);
  if (age > IDENTITY_SIGNATURE_MAX_AGE_MS || age < -IDENTITY_SIGNATURE_MAX_SKEW_MS) return { ok: false, reason: 'expired' };
  for (const key of ['keyId', 'principal', 'permission'] as const) if (identity[key] === undefined) delete identity[key];
  return { ok: true, identity };
}
