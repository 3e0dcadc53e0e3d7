import { Injectable } from '@nestjs/common';
import type { Permission } from '@sp/contracts';
import { evaluateMemberAction, type MemberRecord } from '@sp/permissions';
import { notFound } from '../common/errors';
import type { Member } from '../members/member.schema';
import { MembersService } from '../members/members.service';
import { insufficientPermissions, type Caller } from './caller';

/**
 * Decides admin calls made for a person (X-Acting-User) with the permission engine; the platform
 * (no header) may do everything. A person outside the org gets 404, as if the org did not exist.
 */
@Injectable()
export class AccessControl {
  constructor(private readonly members: MembersService) {}

  /** The acting user's membership in the org (404 when not an active member); null for the platform. */
  async memberOf(orgId: string, caller: Caller): Promise<MemberRecord | null> {
    if (caller.actingUserId === null) return null;
    const member = toRecord(await this.members.find(orgId, caller.actingUserId));
    if (evaluateMemberAction(member, orgId, 'member:read').reason === 'not_found') throw notFound(`org ${orgId}`);
    return member;
  }

  /** Whether the caller holds `permission` in the org (the platform always does); 404 outside the org. */
  async holds(orgId: string, caller: Caller, permission: Permission): Promise<boolean> {
    if (caller.actingUserId === null) return true;
    const member = await this.memberOf(orgId, caller);
    return evaluateMemberAction(member, orgId, permission).allowed;
  }

  /** 404 outside the org, 403 naming the permission without it. */
  async require(orgId: string, caller: Caller, permission: Permission): Promise<void> {
    if (!(await this.holds(orgId, caller, permission))) throw insufficientPermissions(permission);
  }

  /**
   * A user key's own user may act on it; anyone else needs `api_key:manage` (org keys always do).
   * 404 outside the key's org.
   */
  async requireKeyOwnerOr(key: { orgId: string; type: string; userId: string | null }, caller: Caller): Promise<void> {
    if (caller.actingUserId === null) return;
    await this.memberOf(key.orgId, caller);
    if (key.type === 'user' && key.userId === caller.actingUserId) return;
    await this.require(key.orgId, caller, 'api_key:manage');
  }
}

function toRecord(member: Member | null): MemberRecord | null {
  if (member === null) return null;
  return { orgId: member.orgId, userId: member.userId, version: member.version, role: member.role, pageRoles: member.pageRoles, removed: member.removed };
}
