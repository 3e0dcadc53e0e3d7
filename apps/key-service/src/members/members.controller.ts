import { Body, Controller, Delete, HttpCode, Put, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '@sp/contracts';
import { ZodValidationPipe } from '@sp/platform';
import { AdminGuard, CurrentActor } from '../auth/admin.guard';
import { IdParam } from '../common/params';
import { MembersService } from './members.service';
import { upsertMemberRequestSchema, type UpsertMemberRequest } from './upsert-member.request.dto';

@ApiTags('members')
@ApiBearerAuth()
@UseGuards(AdminGuard)
@Controller('v1/orgs/:orgId/members')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Put(':userId')
  @HttpCode(200)
  @ApiOperation({ summary: "Set a user's org role and page roles (201 when the member is new)" })
  @ApiBody({
    schema: {
      type: 'object',
      properties: {
        role: { type: 'string', enum: ['owner', 'admin', 'editor', 'viewer', 'billing'], nullable: true },
        pageRoles: { type: 'object', additionalProperties: { type: 'string', enum: ['owner', 'admin', 'editor', 'viewer'] } },
      },
    },
  })
  async upsert(
    @IdParam('orgId') orgId: string,
    @IdParam('userId') userId: string,
    @Body(new ZodValidationPipe(upsertMemberRequestSchema)) body: UpsertMemberRequest,
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
  async remove(@IdParam('orgId') orgId: string, @IdParam('userId') userId: string, @CurrentActor() actor: Actor) {
    const { member, consistencyToken } = await this.members.remove(orgId, userId, actor);
    return { ...member, consistencyToken };
  }
}
