import { Body, Controller, Delete, HttpCode, Put, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { Actor } from '@sp/contracts';
import { ZodValidationPipe } from '@sp/platform';
import { AdminGuard, CurrentActor } from '../auth/admin.guard';
import { IdParam } from '../common/params';
import { upsertOrgRequestSchema as upsertPageRequestSchema, type UpsertOrgRequest as UpsertPageRequest } from '../orgs/upsert-org.request.dto';
import { StatusPagesService } from './status-pages.service';

@ApiTags('status-pages')
@ApiBearerAuth()
@UseGuards(AdminGuard)
@Controller('v1/orgs/:orgId/status-pages')
export class StatusPagesController {
  constructor(private readonly pages: StatusPagesService) {}

  @Put(':pageId')
  @HttpCode(200)
  @ApiOperation({ summary: 'Register or rename a status page of the org (201 when created)' })
  @ApiBody({ schema: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } })
  async upsert(
    @IdParam('orgId') orgId: string,
    @IdParam('pageId') pageId: string,
    @Body(new ZodValidationPipe(upsertPageRequestSchema)) body: UpsertPageRequest,
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
  async remove(@IdParam('orgId') orgId: string, @IdParam('pageId') pageId: string, @CurrentActor() actor: Actor) {
    const { page, consistencyToken } = await this.pages.remove(orgId, pageId, actor);
    return { ...page, consistencyToken };
  }
}
