import { Body, Controller, HttpCode, Param, Put, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '@sp/contracts';
import { AdminGuard, CurrentActor } from '../auth/admin.guard';
import { OrgParams } from '../common/params';
import { ApiAdminErrors, ApiUpsertResponses } from '../common/responses';
import { OrgResponseDto } from './org.response.dto';
import { OrgsService } from './orgs.service';
import { UpsertOrgRequestDto } from './upsert-org.request.dto';

@ApiTags('orgs')
@ApiBearerAuth()
@ApiAdminErrors()
@UseGuards(AdminGuard)
@Controller('v1/orgs')
export class OrgsController {
  constructor(private readonly orgs: OrgsService) {}

  /** PUT creates or replaces: 201 when the org is new, 200 when it existed (RFC 9110 9.3.4). */
  @Put(':orgId')
  @HttpCode(200)
  @ApiOperation({ summary: 'Create or rename an org (201 when created, 200 when it existed)' })
  @ApiUpsertResponses(OrgResponseDto.Output, 'org')
  async upsert(
    @Param() { orgId }: OrgParams,
    @Body() body: UpsertOrgRequestDto,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { created, org, consistencyToken } = await this.orgs.upsert(orgId, body.name, actor);
    if (created) res.status(201);
    return { ...org, consistencyToken };
  }
}
