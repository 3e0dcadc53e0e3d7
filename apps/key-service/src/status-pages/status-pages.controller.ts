import { Body, Controller, Delete, HttpCode, Param, Put, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '@sp/contracts';
import { ApiErrorResponses } from '@sp/platform';
import { AdminGuard, CurrentActor } from '../auth/admin.guard';
import { OrgPageParams } from '../common/params';
import { ApiAdminErrors, ApiUpsertResponses } from '../common/responses';
import { UpsertOrgRequestDto as UpsertPageRequestDto } from '../orgs/upsert-org.request.dto';
import { StatusPageResponseDto } from './status-page.response.dto';
import { StatusPagesService } from './status-pages.service';

@ApiTags('status-pages')
@ApiBearerAuth()
@ApiAdminErrors()
@UseGuards(AdminGuard)
@Controller('v1/orgs/:orgId/status-pages')
export class StatusPagesController {
  constructor(private readonly pages: StatusPagesService) {}

  @Put(':pageId')
  @HttpCode(200)
  @ApiOperation({ summary: 'Register or rename a status page of the org (201 when created, 200 when it existed)' })
  @ApiUpsertResponses(StatusPageResponseDto.Output, 'status page')
  @ApiErrorResponses({ 404: 'No such org', 409: 'The page id belongs to another org' })
  async upsert(
    @Param() { orgId, pageId }: OrgPageParams,
    @Body() body: UpsertPageRequestDto,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { created, page, consistencyToken } = await this.pages.upsert(orgId, pageId, body.name, actor);
    if (created) res.status(201);
    return { ...page, consistencyToken };
  }

  @Delete(':pageId')
  @HttpCode(200)
  @ApiOperation({ summary: 'Remove a status page from the org (idempotent)' })
  @ApiResponse({ status: 200, description: 'The page, removed', type: StatusPageResponseDto.Output })
  @ApiErrorResponses({ 404: 'No such page in this org' })
  async remove(@Param() { orgId, pageId }: OrgPageParams, @CurrentActor() actor: Actor) {
    const { page, consistencyToken } = await this.pages.remove(orgId, pageId, actor);
    return { ...page, consistencyToken };
  }
}
