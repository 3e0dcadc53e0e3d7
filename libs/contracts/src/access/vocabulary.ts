import { z } from 'zod';

/** Roles a member can hold (StatusPal's). `billing` exists at org level only. */
export const ORG_ROLES = ['owner', 'admin', 'editor', 'viewer', 'billing'] as const;
export const PAGE_ROLES = ['owner', 'admin', 'editor', 'viewer'] as const;
export type OrgRole = (typeof ORG_ROLES)[number];
export type PageRole = (typeof PAGE_ROLES)[number];

/** Access level of a key: least privilege (`read`) is the default. */
export const KEY_ACCESS = ['read', 'read_write'] as const;
export type KeyAccess = (typeof KEY_ACCESS)[number];

export const KEY_TYPES = ['org', 'user'] as const;
export type KeyType = (typeof KEY_TYPES)[number];

/** Permissions of DESIGN.md's role table. */
export const PERMISSIONS = [
  'status_page:read',
  'status_page:write',
  'status_page:delete',
  'incident:read',
  'incident:write',
  'subscription:read',
  'subscription:write',
  'member:read',
  'billing:read',
  'member:write',
  'api_key:manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/**
 * Rights of people acting through the admin contract: no API key, user or org, ever holds them,
 * so a key's `permissions` may not name them.
 */
export const MANAGEMENT_PERMISSIONS = ['member:write', 'api_key:manage'] as const satisfies readonly Permission[];
export type ManagementPermission = (typeof MANAGEMENT_PERMISSIONS)[number];

/** The permissions a key's `permissions` narrowing may name: every row but the management rights. */
export type KeyPermission = Exclude<Permission, ManagementPermission>;
export const KEY_PERMISSIONS = PERMISSIONS.filter((p): p is KeyPermission => !(MANAGEMENT_PERMISSIONS as readonly string[]).includes(p)) as [
  KeyPermission,
  ...KeyPermission[],
];

/** Ids of orgs, pages, users and keys: URL-safe, no '.', '$' or '/'. */
export const idSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_-]+$/, 'must contain only letters, digits, "_" and "-"');

export const orgRoleSchema = z.enum(ORG_ROLES);
export const pageRoleSchema = z.enum(PAGE_ROLES);
export const keyAccessSchema = z.enum(KEY_ACCESS);
export const keyTypeSchema = z.enum(KEY_TYPES);
export const permissionSchema = z.enum(PERMISSIONS);
