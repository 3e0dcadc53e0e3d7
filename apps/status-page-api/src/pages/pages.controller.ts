import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiIdentityHeaders } from '../common/identity-headers.openapi';
import { IdentityGuard, OrgId } from '../common/identity.guard';
import { PageParams } from '../common/params';
import { ApiCommonErrors } from '../common/responses';
import { PageSettingsResponseDto, UpdatePageSettingsRequestDto } from './page-settings.dto';
import { PagesService, PageSettingsView } from './pages.service';

@ApiTags('status-pages')
@ApiIdentityHeaders()
@ApiCommonErrors()
@UseGuards(IdentityGuard)
@Controller('v1/status-pages/:pageId')
export class PagesController {
  constructor(private readonly pages: PagesService) {}

  @Get()
  @ApiOperation({ summary: "Get a status page's settings" })
  @ApiResponse({ status: 200, description: 'The settings; just `{ id }` for a page never patched', type: PageSettingsResponseDto.Output })
  get(@OrgId() orgId: string, @Param() { pageId }: PageParams): Promise<PageSettingsView> {
    return this.pages.get({ orgId, statusPageId: pageId });
  }

  @Patch()
  @ApiOperation({ summary: "Update a status page's settings (partial; null clears a field)" })
  @ApiResponse({ status: 200, description: 'The settings after the change', type: PageSettingsResponseDto.Output })
  update(@OrgId() orgId: string, @Param() { pageId }: PageParams, @Body() body: UpdatePageSettingsRequestDto): Promise<PageSettingsView> {
    return this.pages.update({ orgId, statusPageId: pageId }, body);
  }

  @Delete()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: "Delete a status page's content: incidents, maintenances, services, subscriptions, settings" })
  @ApiResponse({ status: 204, description: 'Deleted (idempotent)' })
  delete(@OrgId() orgId: string, @Param() { pageId }: PageParams): Promise<void> {
    return this.pages.delete({ orgId, statusPageId: pageId });
  }
}
