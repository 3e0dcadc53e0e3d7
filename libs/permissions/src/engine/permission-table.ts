import { MANAGEMENT_PERMISSIONS, type KeyAccess, type OrgRole, type Permission } from '@sp/contracts';

/** One row of DESIGN.md's role table: a column per role and one per org-key access level. */
export interface PermissionRow {
  readonly owner: boolean;
  readonly admin: boolean;
  readonly editor: boolean;
  readonly viewer: boolean;
  readonly billing: boolean;
  readonly orgKeyRead: boolean;
  readonly orgKeyReadWrite: boolean;
}

const Y = true;
const _ = false;

/** DESIGN.md "Roles", copied cell by cell. Everything else in the engine derives from it. */
export const PERMISSION_TABLE: Readonly<Record<Permission, PermissionRow>> = Object.freeze({
  //                      owner admin editor viewer billing orgKeyRead orgKeyReadWrite
  'status_page:read':   { owner: Y, admin: Y, editor: Y, viewer: Y, billing: _, orgKeyRead: Y, orgKeyReadWrite: Y },
  'status_page:write':  { owner: Y, admin: Y, editor: _, viewer: _, billing: _, orgKeyRead: _, orgKeyReadWrite: Y },
  'status_page:delete': { owner: Y, admin: _, editor: _, viewer: _, billing: _, orgKeyRead: _, orgKeyReadWrite: _ },
  'incident:read':      { owner: Y, admin: Y, editor: Y, viewer: Y, billing: _, orgKeyRead: Y, orgKeyReadWrite: Y },
  'incident:write':     { owner: Y, admin: Y, editor: Y, viewer: _, billing: _, orgKeyRead: _, orgKeyReadWrite: Y },
  'subscription:read':  { owner: Y, admin: Y, editor: _, viewer: _, billing: _, orgKeyRead: Y, orgKeyReadWrite: Y },
  'subscription:write': { owner: Y, admin: Y, editor: _, viewer: _, billing: _, orgKeyRead: _, orgKeyReadWrite: Y },
  'member:read':        { owner: Y, admin: Y, editor: _, viewer: _, billing: _, orgKeyRead: _, orgKeyReadWrite: _ },
  'billing:read':       { owner: Y, admin: _, editor: _, viewer: _, billing: Y, orgKeyRead: _, orgKeyReadWrite: _ },
  'member:write':       { owner: Y, admin: Y, editor: _, viewer: _, billing: _, orgKeyRead: _, orgKeyReadWrite: _ },
  'api_key:manage':     { owner: Y, admin: Y, editor: _, viewer: _, billing: _, orgKeyRead: _, orgKeyReadWrite: _ },
});

/** Permissions that apply to the org as a whole, not to a status page; they need an org-level role. */
const ORG_LEVEL_PERMISSIONS: ReadonlySet<Permission> = new Set<Permission>(['member:read', 'billing:read', 'member:write', 'api_key:manage']);
const MANAGEMENT: ReadonlySet<Permission> = new Set<Permission>(MANAGEMENT_PERMISSIONS);

/** True for `member:read`, `billing:read`, `member:write` and `api_key:manage`: granted only through an org-level role. */
export function isOrgLevelPermission(permission: Permission): boolean {
  return ORG_LEVEL_PERMISSIONS.has(permission);
}

/** True for `member:write` and `api_key:manage`: rights of people on the admin contract, never of a key. */
export function isManagementPermission(permission: Permission): boolean {
  return MANAGEMENT.has(permission);
}

/** Whether a key's own `permissions` narrowing lets the permission through (null or absent: no narrowing). */
export function keyPermits(permissions: readonly Permission[] | null | undefined, permission: Permission): boolean {
  return permissions === null || permissions === undefined || permissions.includes(permission);
}

/** True for the `:read` rows: the only ones a key with `access: read` can ever get. */
export function isReadPermission(permission: Permission): boolean {
  return permission.endsWith(':read');
}

/** Whether a role's column has a Y for the permission (page roles are a subset of org roles). */
export function roleGrants(role: OrgRole, permission: Permission): boolean {
  return PERMISSION_TABLE[permission][role] === true;
}

/** Whether an org key's column (`read` or `read_write`) has a Y for the permission. */
export function orgKeyGrants(access: KeyAccess, permission: Permission): boolean {
  const row = PERMISSION_TABLE[permission];
  return access === 'read_write' ? row.orgKeyReadWrite : row.orgKeyRead;
}

/** Whether a key's own `access` narrowing lets the permission through (`read` keeps only `:read` rows). */
export function accessAllows(access: KeyAccess, permission: Permission): boolean {
  return access === 'read_write' || isReadPermission(permission);
}
