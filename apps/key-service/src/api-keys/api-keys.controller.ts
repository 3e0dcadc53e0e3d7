import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses } from '@sp/platform';
import { AdminGuard } from '../auth/admin.guard';
import { ApiActingUser, CurrentCaller, type Caller } from '../auth/caller';
import { KeyParams, OrgMemberParams, OrgParams } from '../common/params';
import { ApiAdminErrors } from '../common/responses';
import {
  ApiKeyListResponseDto,
  ApiKeyResponseDto,
  CreatedApiKeyResponseDto,
  RevokedApiKeyResponseDto,
  RolledApiKeyResponseDto,
} from './api-key.response.dto';
import { ApiKeysService } from './api-keys.service';
import { CreateOrgApiKeyRequestDto, CreateUserApiKeyRequestDto, RollApiKeyRequestDto } from './create-api-key.request.dto';

@ApiTags('api-keys')
@ApiBearerAuth()
@ApiAdminErrors()
@ApiActingUser()
@UseGuards(AdminGuard)
@Controller('v1')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post('orgs/:orgId/api-keys')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create an organization key (access defaults to read); the key is in this answer only' })
  @ApiResponse({ status: 201, description: 'The key, with its plaintext this once', type: CreatedApiKeyResponseDto.Output })
  @ApiErrorResponses({ 404: 'No such org' })
  createOrgKey(@Param() { orgId }: OrgParams, @Body() body: CreateOrgApiKeyRequestDto, @CurrentCaller() caller: Caller) {
    return this.keys.createOrgKey(orgId, body, caller);
  }

  @Post('orgs/:orgId/members/:userId/api-keys')
  @HttpCode(201)
  @ApiOperation({ summary: "Create a user key acting with the member's role; the key is in this answer only" })
  @ApiResponse({ status: 201, description: 'The key, with its plaintext this once', type: CreatedApiKeyResponseDto.Output })
  @ApiErrorResponses({ 404: 'No such org, or the user is not a member of it' })
  createUserKey(@Param() { orgId, userId }: OrgMemberParams, @Body() body: CreateUserApiKeyRequestDto, @CurrentCaller() caller: Caller) {
    return this.keys.createUserKey(orgId, userId, body, caller);
  }

  @Get('orgs/:orgId/api-keys')
  @ApiOperation({ summary: "List the org's keys (metadata only)" })
  @ApiResponse({ status: 200, description: "The org's keys, newest first", type: ApiKeyListResponseDto.Output })
  @ApiErrorResponses({ 404: 'No such org' })
  list(@Param() { orgId }: OrgParams, @CurrentCaller() caller: Caller) {
    return this.keys.list(orgId, caller);
  }

  @Get('api-keys/:keyId')
  @ApiOperation({ summary: 'Key metadata, status and lastUsedAt (never the key or its hash)' })
  @ApiResponse({ status: 200, description: 'The key', type: ApiKeyResponseDto.Output })
  @ApiErrorResponses({ 404: 'No such key' })
  get(@Param() { keyId }: KeyParams, @CurrentCaller() caller: Caller) {
    return this.keys.get(keyId, caller);
  }

  @Delete('api-keys/:keyId')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke a key (idempotent; a state, not a deletion)' })
  @ApiResponse({ status: 200, description: 'The key, revoked', type: RevokedApiKeyResponseDto.Output })
  @ApiErrorResponses({ 404: 'No such key' })
  revoke(@Param() { keyId }: KeyParams, @CurrentCaller() caller: Caller) {
    return this.keys.revoke(keyId, caller);
  }

  @Post('api-keys/:keyId/roll')
  @HttpCode(201)
  @ApiOperation({ summary: 'Issue a replacement key; the old one works for the grace period (default 3600 s), never past its expiry' })
  @ApiResponse({ status: 201, description: 'The new key, with its plaintext this once, and when the old one stops', type: RolledApiKeyResponseDto.Output })
  @ApiErrorResponses({ 404: 'No such key, or its user is no longer a member', 409: 'The key is revoked, expired or already rolled' })
  roll(@Param() { keyId }: KeyParams, @Body() body: RollApiKeyRequestDto, @CurrentCaller() caller: Caller) {
    return this.keys.roll(keyId, body.gracePeriodSeconds, caller);
  }
}
