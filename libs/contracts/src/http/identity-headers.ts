/**
 * Headers the gateway sets on every request it lets through to status-page-api (and strips from
 * what clients send). The upstream trusts them because only the gateway can reach it.
 */
export const IDENTITY_HEADERS = {
  orgId: 'x-sp-org-id',
  keyId: 'x-sp-key-id',
  /** `org` for organization keys, `user:<userId>` for user keys. */
  principal: 'x-sp-principal',
  permission: 'x-sp-permission',
} as const;
