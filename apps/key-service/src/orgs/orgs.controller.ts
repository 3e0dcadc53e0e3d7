import { Body, Controller, HttpCode, Put, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '@sp/contracts';
import { ZodValidationPipe } from '@sp/platform';
import { AdminGuard, CurrentActor } from '../auth/admin.guard';
import { IdParam } from '../common/params';
import { OrgsService } from './orgs.service';
import { upsertOrgRequestSchema, type UpsertOrgRequest } from './upsert-org.request.dto';

@ApiTags('orgs')
@ApiBearerAuth()
@UseGuards(AdminGuard)
@Controller('v1/orgs')
export class OrgsController {
  constructor(private readonly orgs: OrgsService) {}

  @Put(':orgId')
  @HttpCode(200)
  @ApiOperation({ summary: 'Create or rename an org (201 when created)' })
  @ApiBody({ schema: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } })
  async upsert(
    @IdParam('orgId') orgId: string,
    @Body(new ZodValidationPipe(upsertOrgRequestSchema)) body: UpsertOrgRequest,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { created, org, consistencyToken } = await this.orgs.upsert(orgId, body.name, actor);
    if (created) res.status(201);
    return { ...org, consistencyToken };
  }
}
