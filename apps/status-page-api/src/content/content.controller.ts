import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Inject, Param, Patch, Post, Query, Res, Type, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { createZodDto } from 'nestjs-zod';
import { z } from 'zod';
import { ApiErrorResponses } from '@sp/platform';
import { ApiIdentityHeaders } from '../common/identity-headers.openapi';
import { IdentityGuard, OrgId } from '../common/identity.guard';
import { listQuerySchema } from '../common/list-query.request.dto';
import { PageParams, PageRecordParams } from '../common/params';
import { ApiCommonErrors, dateTime } from '../common/responses';
import { ContentDefinition, contentServiceToken } from './content-definition';
import type { ContentService, ContentView } from './content.service';

/** Response header carrying the cursor of the next page of a list (absent on the last page). */
export const NEXT_CURSOR_HEADER = 'X-Next-Cursor';

export class ListQueryDto extends createZodDto(listQuerySchema) {}

/** Names a DTO class for OpenAPI (one component per kind and purpose). */
function named<T extends object>(dto: T, name: string): T {
  Object.defineProperty(dto, 'name', { value: name });
  return dto;
}

/**
 * The controller of one content kind, at `/v1/status-pages/:pageId/<kind>`: list, create, get,
 * patch, delete. The four kinds share this code; what differs (bodies, fields, collection) is in
 * their ContentDefinition. Guards run before pipes: a missing identity is 401 before any 400.
 */
export function createContentController(definition: ContentDefinition): Type<unknown> {
  const { kind, singular } = definition;
  const Name = capitalize(singular);
  // Classes (not values) so that the parameters' design types name them for the global pipe.
  class CreateBody extends createZodDto(definition.createBody) {}
  class UpdateBody extends createZodDto(definition.updateBody) {}
  named(CreateBody, `Create${Name}Body`);
  named(UpdateBody, `Update${Name}Body`);
  // A record as answered: what its create body yields, plus id, page and timestamps (ContentService.toView).
  const record = (definition.createBody as unknown as z.ZodObject).extend({
    id: z.string(),
    statusPageId: z.string(),
    createdAt: dateTime(),
    updatedAt: dateTime(),
  });
  const RecordDto = named(class extends createZodDto(record) {}, Name);
  const RecordListDto = named(class extends createZodDto(z.array(record)) {}, `${Name}List`);
  const notFound = { 404: `No such ${singular} on this page of the caller's org: {"error":"not_found"}` };

  @ApiTags(kind)
  @ApiIdentityHeaders()
  @ApiCommonErrors()
  @UseGuards(IdentityGuard)
  @Controller(`v1/status-pages/:pageId/${kind}`)
  class ContentController {
    constructor(@Inject(contentServiceToken(kind)) private readonly content: ContentService) {}

    @Get()
    @ApiOperation({ summary: `List ${kind}, newest first`, description: `A page of at most ?limit= records; the next page with ?cursor= from ${NEXT_CURSOR_HEADER}.` })
    @ApiResponse({
      status: 200,
      type: RecordListDto.Output,
      headers: { [NEXT_CURSOR_HEADER]: { description: 'Cursor of the next page; absent on the last page', schema: { type: 'string' } } },
    })
    async list(
      @OrgId() orgId: string,
      @Param() { pageId }: PageParams,
      @Query() query: ListQueryDto,
      @Res({ passthrough: true }) res: Response,
    ): Promise<ContentView[]> {
      const page = await this.content.list({ orgId, statusPageId: pageId }, query);
      if (page.nextCursor) res.setHeader(NEXT_CURSOR_HEADER, page.nextCursor);
      return page.items;
    }

    @Post()
    @ApiOperation({ summary: `Create ${article(singular)} ${singular}` })
    @ApiResponse({ status: 201, description: `The created ${singular}`, type: RecordDto.Output })
    @ApiErrorResponses({ 409: `The ${singular} conflicts with an existing one: {"error":"conflict"}` })
    create(@OrgId() orgId: string, @Param() { pageId }: PageParams, @Body() body: CreateBody): Promise<ContentView> {
      return this.content.create({ orgId, statusPageId: pageId }, body as Record<string, unknown>);
    }

    @Get(':id')
    @ApiOperation({ summary: `Get ${article(singular)} ${singular}` })
    @ApiResponse({ status: 200, type: RecordDto.Output })
    @ApiErrorResponses(notFound)
    get(@OrgId() orgId: string, @Param() { pageId, id }: PageRecordParams): Promise<ContentView> {
      return this.content.get({ orgId, statusPageId: pageId }, id);
    }

    @Patch(':id')
    @ApiOperation({ summary: `Update ${article(singular)} ${singular} (partial)` })
    @ApiResponse({ status: 200, type: RecordDto.Output })
    @ApiErrorResponses({ ...notFound, 409: `The change conflicts with another ${singular}: {"error":"conflict"}` })
    update(@OrgId() orgId: string, @Param() { pageId, id }: PageRecordParams, @Body() body: UpdateBody): Promise<ContentView> {
      return this.content.update({ orgId, statusPageId: pageId }, id, body as Record<string, unknown>);
    }

    @Delete(':id')
    @HttpCode(HttpStatus.NO_CONTENT)
    @ApiOperation({ summary: `Delete ${article(singular)} ${singular}` })
    @ApiResponse({ status: 204, description: 'Deleted' })
    @ApiErrorResponses(notFound)
    delete(@OrgId() orgId: string, @Param() { pageId, id }: PageRecordParams): Promise<void> {
      return this.content.delete({ orgId, statusPageId: pageId }, id);
    }
  }

  // Distinct class names keep Nest's route log and the OpenAPI operation ids apart per kind.
  Object.defineProperty(ContentController, 'name', { value: `${capitalize(kind)}Controller` });
  return ContentController;
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}
