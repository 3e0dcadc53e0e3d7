import { Body, Controller, Delete, HttpCode, Param, Put, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '@sp/contracts';
import { ApiErrorResponses } from '@sp/platform';
import { AdminGuard, CurrentActor } from '../auth/admin.guard';
import { OrgMemberParams } from '../common/params';
import { ApiAdminErrors, ApiUpsertResponses } from '../common/responses';
import { MemberResponseDto } from './member.response.dto';
import { MembersService } from './members.service';
import { UpsertMemberRequestDto } from './upsert-member.request.dto';

@ApiTags('members')
@ApiBearerAuth()
@ApiAdminErrors()
@UseGuards(AdminGuard)
@Controller('v1/orgs/:orgId/members')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Put(':userId')
  @HttpCode(200)
  @ApiOperation({ summary: "Set a user's org role and page roles (201 when the member is new, 200 otherwise)" })
  @ApiUpsertResponses(MemberResponseDto.Output, 'membership')
  @ApiErrorResponses({ 404: 'No such org' })
  async upsert(
    @Param() { orgId, userId }: OrgMemberParams,
    @Body() body: UpsertMemberRequestDto,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { created, member, consistencyToken } = await this.members.upsert(orgId, userId, body, actor);
    if (created) res.status(201);
    return { ...member, consistencyToken };
  }

  @Delete(':userId')
  @HttpCode(200)
  @ApiOperation({ summary: 'Remove a user from the org; their user keys stop at once' })
  @ApiResponse({ status: 200, description: 'The membership, removed', type: MemberResponseDto.Output })
  @ApiErrorResponses({ 404: 'No such member of this org' })
  async remove(@Param() { orgId, userId }: OrgMemberParams, @CurrentActor() actor: Actor) {
    const { member, consistencyToken } = await this.members.remove(orgId, userId, actor);
    return { ...member, consistencyToken };
  }
}
