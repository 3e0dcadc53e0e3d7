import { Body, Controller, Delete, ForbiddenException, HttpCode, Param, Put, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { PageRole } from '@sp/contracts';
import { ApiErrorResponses } from '@sp/platform';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { AccessControl } from '../auth/access-control.service';
import { AdminGuard } from '../auth/admin.guard';
import { ApiActingUser, CurrentCaller, type Caller } from '../auth/caller';
import { OrgMemberParams } from '../common/params';
import { ApiAdminErrors, ApiUpsertResponses } from '../common/responses';
import { OrgsService } from '../orgs/orgs.service';
import { MemberResponseDto } from './member.response.dto';
import { holdsOwner, MembersService } from './members.service';
import { UpsertMemberRequestDto } from './upsert-member.request.dto';

const ownerOnly = () =>
  new ForbiddenException({ error: 'insufficient_permissions', required: 'member:write', message: 'only an owner may grant or remove the owner role' });

@ApiTags('members')
@ApiBearerAuth()
@ApiAdminErrors()
@ApiActingUser()
@UseGuards(AdminGuard)
@Controller('v1/orgs/:orgId/members')
export class MembersController {
  constructor(
    private readonly members: MembersService,
    private readonly keys: ApiKeysService,
    private readonly orgs: OrgsService,
    private readonly access: AccessControl,
  ) {}

  @Put(':userId')
  @HttpCode(200)
  @ApiOperation({ summary: "Set a user's org role and page roles (201 when the member is new, 200 otherwise); acting users need member:write, and only an owner grants or removes owner" })
  @ApiUpsertResponses(MemberResponseDto.Output, 'membership')
  @ApiErrorResponses({ 404: 'No such org' })
  async upsert(
    @Param() { orgId, userId }: OrgMemberParams,
    @Body() body: UpsertMemberRequestDto,
    @CurrentCaller() caller: Caller,
    @Res({ passthrough: true }) res: Response,
  ) {
    await this.orgs.require(orgId);
    const acting = await this.access.memberOf(orgId, caller);
    if (acting !== null) {
      await this.access.require(orgId, caller, 'member:write');
      const granted = { role: body.role ?? null, pageRoles: Object.values(body.pageRoles ?? {}).map((role) => ({ role: role as PageRole })) };
      const current = await this.members.find(orgId, userId);
      if ((holdsOwner(granted) || holdsOwner(current?.removed ? null : current)) && !holdsOwner({ role: acting.role, pageRoles: [] })) throw ownerOnly();
    }
    const { created, member, consistencyToken } = await this.members.upsert(orgId, userId, body, caller.actor);
    if (created) res.status(201);
    return { ...member, consistencyToken };
  }

  /**
   * Removes the member and revokes their user keys for good (reason member_removed), so re-adding
   * the person never revives them. Keys are revoked before and after the removal: a crash in
   * between leaves revoked keys, never a removal with live keys, and a key created meanwhile goes too.
   */
  @Delete(':userId')
  @HttpCode(200)
  @ApiOperation({ summary: 'Remove a user from the org; their user keys are revoked (reason member_removed)' })
  @ApiResponse({ status: 200, description: 'The membership, removed', type: MemberResponseDto.Output })
  @ApiErrorResponses({ 404: 'No such member of this org' })
  async remove(@Param() { orgId, userId }: OrgMemberParams, @CurrentCaller() caller: Caller) {
    const acting = await this.access.memberOf(orgId, caller);
    if (acting !== null) {
      await this.access.require(orgId, caller, 'member:write');
      const current = await this.members.find(orgId, userId);
      if (holdsOwner(current?.removed ? null : current) && acting.role !== 'owner') throw ownerOnly();
    }
    await this.members.requireActive(orgId, userId).catch(async (err) => {
      // Already removed: still make sure no key of theirs is live (idempotent retry after a crash).
      if ((await this.members.find(orgId, userId)) === null) throw err;
    });
    await this.keys.revokeUserKeys(orgId, userId, caller.actor);
    const { member, consistencyToken } = await this.members.remove(orgId, userId, caller.actor);
    await this.keys.revokeUserKeys(orgId, userId, caller.actor);
    return { ...member, consistencyToken };
  }
}
