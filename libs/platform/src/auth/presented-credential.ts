/**
 * The one parser of presented credentials (bearer and key headers), shared by the gateway's
 * passport strategy and the static-token guards, so every service reads them the same way.
 */
export type PresentedCredential =
  | { kind: 'none' }
  | { kind: 'token'; token: string }
  | { kind: 'invalid'; reason: 'malformed' | 'conflict' };

export interface ReadCredentialOptions {
  /** Also accept `Authorization: <token>` with no scheme (StatusPal's own clients send the bare key). */
  bareAuthorization?: boolean;
}

// Frozen, so sharing them between requests shares nothing mutable.
const NONE: PresentedCredential = Object.freeze({ kind: 'none' });
const MALFORMED: PresentedCredential = Object.freeze({ kind: 'invalid', reason: 'malformed' });
const CONFLICT: PresentedCredential = Object.freeze({ kind: 'invalid', reason: 'conflict' });

const BEARER = /^bearer +(\S+)$/i;
const WHITESPACE = /\s/;

/**
 * `Authorization: Bearer <t>` (scheme in any case, one space or more), `X-API-Key: <t>`, and with
 * `bareAuthorization` `Authorization: <t>`. Values are trimmed; an absent or blank header is none.
 * Two different credentials are a conflict; any other scheme, an empty token or a token with
 * whitespace inside is malformed. Header values are taken as received (node joins repeated
 * X-API-Key headers with ", ", which is then malformed).
 */
export function readPresentedCredential(
  authorization: string | undefined,
  apiKeyHeader: string | undefined,
  options?: ReadCredentialOptions,
): PresentedCredential {
  const auth = nonBlank(authorization);
  const key = nonBlank(apiKeyHeader);
  let fromAuth: string | undefined;
  if (auth !== undefined) {
    fromAuth = tokenOfAuthorization(auth, options?.bareAuthorization === true);
    if (fromAuth === undefined) return MALFORMED;
  }
  if (key !== undefined && WHITESPACE.test(key)) return MALFORMED;
  if (fromAuth !== undefined && key !== undefined && fromAuth !== key) return CONFLICT;
  const token = fromAuth ?? key;
  return token === undefined ? NONE : { kind: 'token', token };
}

function nonBlank(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed.length === 0 ? undefined : trimmed;
}

function tokenOfAuthorization(value: string, bare: boolean): string | undefined {
  const bearer = BEARER.exec(value);
  if (bearer !== null) return bearer[1];
  // A lone scheme word is a scheme with its token missing, not a bare token.
  if (bare && !WHITESPACE.test(value) && value.toLowerCase() !== 'bearer') return value;
  return undefined;
}
