import { Body, Controller, Delete, HttpCode, Param, Put, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiErrorResponses, validationError } from '@sp/platform';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { AdminGuard } from '../auth/admin.guard';
import { CurrentCaller, type Caller } from '../auth/caller';
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
  constructor(
    private readonly pages: StatusPagesService,
    private readonly keys: ApiKeysService,
  ) {}

  @Put(':pageId')
  @HttpCode(200)
  @ApiOperation({ summary: 'Register or rename a status page of the org (201 when created, 200 when it existed)' })
  @ApiUpsertResponses(StatusPageResponseDto.Output, 'status page')
  @ApiErrorResponses({ 404: 'No such org', 409: 'The page id belongs to another org' })
  async upsert(
    @Param() { orgId, pageId }: OrgPageParams,
    @Body() body: UpsertPageRequestDto,
    @CurrentCaller() caller: Caller,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { created, page, consistencyToken } = await this.pages.upsert(orgId, pageId, body.name, platformOnly(caller));
    if (created) res.status(201);
    return { ...page, consistencyToken };
  }

  @Delete(':pageId')
  @HttpCode(200)
  @ApiOperation({ summary: 'Remove a status page from the org (idempotent); keys narrowed to it lose it for good' })
  @ApiResponse({ status: 200, description: 'The page, removed', type: StatusPageResponseDto.Output })
  @ApiErrorResponses({ 404: 'No such page in this org' })
  async remove(@Param() { orgId, pageId }: OrgPageParams, @CurrentCaller() caller: Caller) {
    const actor = platformOnly(caller);
    // Keys first: a crash in between leaves keys without the page, never a removed page a key still names.
    const { page, consistencyToken } = await this.pages.remove(orgId, pageId, actor, () => this.keys.dropPage(orgId, pageId, actor));
    await this.keys.dropPage(orgId, pageId, actor);
    return { ...page, consistencyToken };
  }
}

/** The directory of pages is the platform's (the dashboard registers them): no person acts on it. */
function platformOnly(caller: Caller) {
  if (caller.actingUserId !== null) throw validationError([{ field: 'X-Acting-User', reason: 'not accepted here: only the platform registers or removes status pages' }]);
  return caller.actor;
}
