import { Body, Controller, Get, HttpCode, Param, Put, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiErrorResponses, validationError } from '@sp/platform';
import { AccessControl } from '../auth/access-control.service';
import { AdminGuard } from '../auth/admin.guard';
import { ApiActingUser, CurrentCaller, type Caller } from '../auth/caller';
import { OrgParams } from '../common/params';
import { ApiAdminErrors, ApiUpsertResponses } from '../common/responses';
import { KeyPolicyResponseDto, OrgResponseDto, OrgViewResponseDto } from './org.response.dto';
import { OrgsService, toOrgResponse } from './orgs.service';
import { KeyPolicyRequestDto, UpsertOrgRequestDto } from './upsert-org.request.dto';

@ApiTags('orgs')
@ApiBearerAuth()
@ApiAdminErrors()
@UseGuards(AdminGuard)
@Controller('v1/orgs')
export class OrgsController {
  constructor(
    private readonly orgs: OrgsService,
    private readonly access: AccessControl,
  ) {}

  /** PUT creates or replaces: 201 when the org is new, 200 when it existed (RFC 9110 9.3.4). */
  @Put(':orgId')
  @HttpCode(200)
  @ApiOperation({ summary: 'Create or rename an org (201 when created, 200 when it existed); the platform only' })
  @ApiUpsertResponses(OrgResponseDto.Output, 'org')
  async upsert(
    @Param() { orgId }: OrgParams,
    @Body() body: UpsertOrgRequestDto,
    @CurrentCaller() caller: Caller,
    @Res({ passthrough: true }) res: Response,
  ) {
    // Orgs are the platform's to create: no person acts on this one.
    if (caller.actingUserId !== null) throw validationError([{ field: 'X-Acting-User', reason: 'not accepted here: only the platform creates or renames orgs' }]);
    const { created, org, consistencyToken } = await this.orgs.upsert(orgId, body.name, caller.actor);
    if (created) res.status(201);
    return { ...org, consistencyToken };
  }

  @Get(':orgId')
  @ApiOperation({ summary: 'The org, with its key policy' })
  @ApiResponse({ status: 200, description: 'The org', type: OrgViewResponseDto.Output })
  @ApiErrorResponses({ 404: 'No such org' })
  @ApiActingUser()
  async get(@Param() { orgId }: OrgParams, @CurrentCaller() caller: Caller) {
    const org = await this.orgs.require(orgId);
    await this.access.memberOf(orgId, caller);
    return toOrgResponse(org);
  }

  @Put(':orgId/key-policy')
  @HttpCode(200)
  @ApiOperation({ summary: "Set the org's key policy (maxLifetimeDays, orgKeyMaxAccess) for keys created or rolled from now on" })
  @ApiResponse({ status: 200, description: 'The policy as set', type: KeyPolicyResponseDto.Output })
  @ApiErrorResponses({ 404: 'No such org' })
  @ApiActingUser()
  async setKeyPolicy(@Param() { orgId }: OrgParams, @Body() body: KeyPolicyRequestDto, @CurrentCaller() caller: Caller) {
    await this.orgs.require(orgId);
    await this.access.require(orgId, caller, 'api_key:manage');
    return this.orgs.setKeyPolicy(orgId, { maxLifetimeDays: body.maxLifetimeDays ?? null, orgKeyMaxAccess: body.orgKeyMaxAccess ?? null });
  }
}
