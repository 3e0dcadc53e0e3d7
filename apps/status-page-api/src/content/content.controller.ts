import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Inject, Param, Patch, Post, Query, Res, Type, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ParseIdPipe } from '../common/id.pipe';
import { ApiIdentityHeaders } from '../common/identity-headers.openapi';
import { IdentityGuard, OrgId } from '../common/identity.guard';
import { DEFAULT_LIST_LIMIT, ListQuery, listQuerySchema, MAX_LIST_LIMIT } from '../common/list-query.request.dto';
import { openApiSchemaOf } from '../common/openapi';
import { ZodBodyPipe } from '../common/zod-body.pipe';
import { ContentDefinition, contentServiceToken } from './content-definition';
import type { ContentService, ContentView } from './content.service';

/** Response header carrying the cursor of the next page of a list (absent on the last page). */
export const NEXT_CURSOR_HEADER = 'X-Next-Cursor';

/**
 * The controller of one content kind, at `/v1/status-pages/:pageId/<kind>`: list, create, get,
 * patch, delete. The four kinds share this code; what differs (bodies, fields, collection) is in
 * their ContentDefinition. Guards run before pipes: a missing identity is 401 before any 400.
 */
export function createContentController(definition: ContentDefinition): Type<unknown> {
  const { kind, singular } = definition;
  const createPipe = new ZodBodyPipe(definition.createBody);
  const updatePipe = new ZodBodyPipe(definition.updateBody);

  @ApiTags(kind)
  @ApiIdentityHeaders()
  @UseGuards(IdentityGuard)
  @Controller(`v1/status-pages/:pageId/${kind}`)
  class ContentController {
    constructor(@Inject(contentServiceToken(kind)) private readonly content: ContentService) {}

    @Get()
    @ApiOperation({ summary: `List ${kind}, newest first`, description: `A page of at most ?limit= records; the next page with ?cursor= from ${NEXT_CURSOR_HEADER}.` })
    @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: MAX_LIST_LIMIT, default: DEFAULT_LIST_LIMIT } })
    @ApiQuery({ name: 'cursor', required: false, schema: { type: 'string' }, description: `Opaque, from the ${NEXT_CURSOR_HEADER} response header` })
    @ApiResponse({ status: 200, headers: { [NEXT_CURSOR_HEADER]: { description: 'Cursor of the next page; absent on the last page', schema: { type: 'string' } } } })
    async list(
      @OrgId() orgId: string,
      @Param('pageId', ParseIdPipe) pageId: string,
      @Query(new ZodBodyPipe(listQuerySchema)) query: ListQuery,
      @Res({ passthrough: true }) res: Response,
    ): Promise<ContentView[]> {
      const page = await this.content.list({ orgId, statusPageId: pageId }, query);
      if (page.nextCursor) res.setHeader(NEXT_CURSOR_HEADER, page.nextCursor);
      return page.items;
    }

    @Post()
    @ApiOperation({ summary: `Create ${article(singular)} ${singular}` })
    @ApiBody({ schema: openApiSchemaOf(definition.createBody) })
    @ApiResponse({ status: 201, description: `The created ${singular}` })
    create(
      @OrgId() orgId: string,
      @Param('pageId', ParseIdPipe) pageId: string,
      @Body(createPipe) body: Record<string, unknown>,
    ): Promise<ContentView> {
      return this.content.create({ orgId, statusPageId: pageId }, body);
    }

    @Get(':id')
    @ApiOperation({ summary: `Get ${article(singular)} ${singular}` })
    get(@OrgId() orgId: string, @Param('pageId', ParseIdPipe) pageId: string, @Param('id', ParseIdPipe) id: string): Promise<ContentView> {
      return this.content.get({ orgId, statusPageId: pageId }, id);
    }

    @Patch(':id')
    @ApiOperation({ summary: `Update ${article(singular)} ${singular} (partial)` })
    @ApiBody({ schema: openApiSchemaOf(definition.updateBody) })
    update(
      @OrgId() orgId: string,
      @Param('pageId', ParseIdPipe) pageId: string,
      @Param('id', ParseIdPipe) id: string,
      @Body(updatePipe) body: Record<string, unknown>,
    ): Promise<ContentView> {
      return this.content.update({ orgId, statusPageId: pageId }, id, body);
    }

    @Delete(':id')
    @HttpCode(HttpStatus.NO_CONTENT)
    @ApiOperation({ summary: `Delete ${article(singular)} ${singular}` })
    delete(@OrgId() orgId: string, @Param('pageId', ParseIdPipe) pageId: string, @Param('id', ParseIdPipe) id: string): Promise<void> {
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
