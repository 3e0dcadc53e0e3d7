import type { Permission } from '@sp/contracts';

/** Who answers an allowed request: the upstream status-page-api, or the gateway from its view. */
export type Answer = 'upstream' | 'view:status-pages' | 'view:members';

export interface Policy {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path pattern; `:pageId` and `:orgId` name the resource checked, `:id` is a record id. */
  path: string;
  permission: Permission;
  answer: Answer;
}

const CONTENT: { kind: string; read: Permission; write: Permission }[] = [
  { kind: 'incidents', read: 'incident:read', write: 'incident:write' },
  { kind: 'maintenances', read: 'incident:read', write: 'incident:write' },
  { kind: 'services', read: 'status_page:read', write: 'status_page:write' },
  { kind: 'subscriptions', read: 'subscription:read', write: 'subscription:write' },
];

/**
 * The public API, one row per route (DESIGN.md "Public contract" and the role table). Deny by
 * default: a route that is not here is 404 before anything else happens.
 */
export const POLICY_TABLE: readonly Policy[] = Object.freeze([
  { method: 'GET', path: '/v1/status-pages', permission: 'status_page:read', answer: 'view:status-pages' },
  { method: 'GET', path: '/v1/status-pages/:pageId', permission: 'status_page:read', answer: 'upstream' },
  { method: 'PATCH', path: '/v1/status-pages/:pageId', permission: 'status_page:write', answer: 'upstream' },
  { method: 'DELETE', path: '/v1/status-pages/:pageId', permission: 'status_page:delete', answer: 'upstream' },
  ...CONTENT.flatMap(({ kind, read, write }): Policy[] => [
    { method: 'GET', path: `/v1/status-pages/:pageId/${kind}`, permission: read, answer: 'upstream' },
    { method: 'POST', path: `/v1/status-pages/:pageId/${kind}`, permission: write, answer: 'upstream' },
    { method: 'GET', path: `/v1/status-pages/:pageId/${kind}/:id`, permission: read, answer: 'upstream' },
    { method: 'PATCH', path: `/v1/status-pages/:pageId/${kind}/:id`, permission: write, answer: 'upstream' },
    { method: 'DELETE', path: `/v1/status-pages/:pageId/${kind}/:id`, permission: write, answer: 'upstream' },
  ]),
  { method: 'GET', path: '/v1/orgs/:orgId/members', permission: 'member:read', answer: 'view:members' },
  { method: 'GET', path: '/v1/orgs/:orgId/invoices', permission: 'billing:read', answer: 'upstream' },
]);
