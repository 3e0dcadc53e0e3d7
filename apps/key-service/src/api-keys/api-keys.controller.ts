import { Body, Controller, Delete, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@sp/contracts';
import { ZodValidationPipe } from '@sp/platform';
import { AdminGuard, CurrentActor } from '../auth/admin.guard';
import { IdParam } from '../common/params';
import { ApiKeysService } from './api-keys.service';
import {
  createOrgApiKeyRequestSchema,
  createUserApiKeyRequestSchema,
  rollApiKeyRequestSchema,
  type CreateApiKeyRequest,
  type RollApiKeyRequest,
} from './create-api-key.request.dto';

const createKeyBody = {
  schema: {
    type: 'object',
    required: ['name'],
    properties: {
      name: { type: 'string' },
      access: { type: 'string', enum: ['read', 'read_write'] },
      statusPageIds: { type: 'array', items: { type: 'string' }, nullable: true },
      expiresAt: { type: 'string', format: 'date-time', nullable: true },
      allowedIps: { type: 'array', items: { type: 'string' }, nullable: true, example: ['203.0.113.0/24', '2001:db8::/32'] },
    },
  },
};

@ApiTags('api-keys')
@ApiBearerAuth()
@UseGuards(AdminGuard)
@Controller('v1')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post('orgs/:orgId/api-keys')
  @ApiOperation({ summary: 'Create an organization key (access defaults to read); the key is in this answer only' })
  @ApiBody(createKeyBody)
  createOrgKey(
    @IdParam('orgId') orgId: string,
    @Body(new ZodValidationPipe(createOrgApiKeyRequestSchema)) body: CreateApiKeyRequest,
    @CurrentActor() actor: Actor,
  ) {
    return this.keys.createOrgKey(orgId, body, actor);
  }

  @Post('orgs/:orgId/members/:userId/api-keys')
  @ApiOperation({ summary: "Create a user key acting with the member's role; the key is in this answer only" })
  @ApiBody(createKeyBody)
  createUserKey(
    @IdParam('orgId') orgId: string,
    @IdParam('userId') userId: string,
    @Body(new ZodValidationPipe(createUserApiKeyRequestSchema)) body: CreateApiKeyRequest,
    @CurrentActor() actor: Actor,
  ) {
    return this.keys.createUserKey(orgId, userId, body, actor);
  }

  @Get('orgs/:orgId/api-keys')
  @ApiOperation({ summary: "List the org's keys (metadata only)" })
  list(@IdParam('orgId') orgId: string) {
    return this.keys.list(orgId);
  }

  @Get('api-keys/:keyId')
  @ApiOperation({ summary: 'Key metadata, status and lastUsedAt (never the key or its hash)' })
  get(@IdParam('keyId') keyId: string) {
    return this.keys.get(keyId);
  }

  @Delete('api-keys/:keyId')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke a key (idempotent; a state, not a deletion)' })
  revoke(@IdParam('keyId') keyId: string, @CurrentActor() actor: Actor) {
    return this.keys.revoke(keyId, actor);
  }

  @Post('api-keys/:keyId/roll')
  @ApiOperation({ summary: 'Issue a replacement key; the old one works for the grace period (default 3600 s), never past its expiry' })
  @ApiBody({ schema: { type: 'object', properties: { gracePeriodSeconds: { type: 'integer', minimum: 0, maximum: 2592000 } } } })
  roll(
    @IdParam('keyId') keyId: string,
    @Body(new ZodValidationPipe(rollApiKeyRequestSchema)) body: RollApiKeyRequest,
    @CurrentActor() actor: Actor,
  ) {
    return this.keys.roll(keyId, body.gracePeriodSeconds, actor);
  }
}
