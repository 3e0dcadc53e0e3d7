import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ParseIdPipe } from '../common/id.pipe';
import { ApiIdentityHeaders } from '../common/identity-headers.openapi';
import { IdentityGuard, OrgId } from '../common/identity.guard';
import { openApiSchemaOf } from '../common/openapi';
import { ZodBodyPipe } from '../common/zod-body.pipe';
import { PagesService, PageSettingsView } from './pages.service';
import { UpdatePageSettingsRequest, updatePageSettingsSchema } from './update-page-settings.request.dto';

@ApiTags('status-pages')
@ApiIdentityHeaders()
@UseGuards(IdentityGuard)
@Controller('v1/status-pages/:pageId')
export class PagesController {
  constructor(private readonly pages: PagesService) {}

  @Get()
  @ApiOperation({ summary: "Get a status page's settings" })
  get(@OrgId() orgId: string, @Param('pageId', ParseIdPipe) pageId: string): Promise<PageSettingsView> {
    return this.pages.get({ orgId, statusPageId: pageId });
  }

  @Patch()
  @ApiOperation({ summary: "Update a status page's settings (partial; null clears a field)" })
  @ApiBody({ schema: openApiSchemaOf(updatePageSettingsSchema) })
  update(
    @OrgId() orgId: string,
    @Param('pageId', ParseIdPipe) pageId: string,
    @Body(new ZodBodyPipe(updatePageSettingsSchema)) body: UpdatePageSettingsRequest,
  ): Promise<PageSettingsView> {
    return this.pages.update({ orgId, statusPageId: pageId }, body);
  }

  @Delete()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: "Delete a status page's content: incidents, maintenances, services, subscriptions, settings" })
  delete(@OrgId() orgId: string, @Param('pageId', ParseIdPipe) pageId: string): Promise<void> {
    return this.pages.delete({ orgId, statusPageId: pageId });
  }
}
