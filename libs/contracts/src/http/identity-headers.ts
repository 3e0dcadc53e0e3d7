/**
 * Headers the gateway sets on every request it lets through to status-page-api (and drops from
 * what clients send). The upstream trusts them only when `signature` verifies (identity-signature.ts):
 * being reachable is not enough.
 */
export const IDENTITY_HEADERS = {
  orgId: 'x-sp-org-id',
  keyId: 'x-sp-key-id',
  /** `org` for organization keys, `user:<userId>` for user keys. */
  principal: 'x-sp-principal',
  permission: 'x-sp-permission',
  /** When the gateway signed the identity, epoch milliseconds. */
  signedAt: 'x-sp-identity-signed-at',
  /** HMAC-SHA256 (base64url) over the identity, the method, the path and `signedAt`, keyed with GATEWAY_UPSTREAM_SECRET. */
  signature: 'x-sp-identity-signature',
} as const;

/** Every identity header name, for stripping what a client sent. */
export const IDENTITY_HEADER_NAMES: readonly string[] = Object.freeze(Object.values(IDENTITY_HEADERS));
