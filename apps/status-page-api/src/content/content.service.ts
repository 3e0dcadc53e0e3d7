import { ConflictException, NotFoundException } from '@nestjs/common';
import { encodeCursor } from '../common/cursor';
import type { ListQuery } from '../common/list-query.request.dto';
import type { PageScope } from '../common/page-scope';
import type { ContentDefinition } from './content-definition';
import { ContentRecord, ContentRepository, DuplicateRecordError } from './content.repository';

/** A record as answered: `{ id, statusPageId, ...fields, createdAt, updatedAt }` (no orgId). */
export type ContentView = Record<string, unknown> & { id: string; createdAt: string; updatedAt: string };

export interface ContentPage {
  items: ContentView[];
  /** Present when there may be more records after this page. */
  nextCursor?: string;
}

/** The HTTP-facing semantics of one content kind: 404 and 409 bodies, views, cursors. */
export class ContentService {
  constructor(
    readonly definition: ContentDefinition,
    private readonly repository: ContentRepository,
  ) {}

  ready(): Promise<void> {
    return this.repository.ready();
  }

  async list(scope: PageScope, query: ListQuery): Promise<ContentPage> {
    const records = await this.repository.list(scope, { limit: query.limit + 1, after: query.cursor });
    const items = records.slice(0, query.limit);
    const last = items[items.length - 1];
    const nextCursor =
      records.length > query.limit && last ? encodeCursor({ createdAt: last.createdAt, id: last._id.toHexString() }) : undefined;
    return { items: items.map((record) => this.toView(record)), nextCursor };
  }

  async create(scope: PageScope, body: Record<string, unknown>): Promise<ContentView> {
    return this.toView(await this.write(() => this.repository.create(scope, body)));
  }

  async get(scope: PageScope, id: string): Promise<ContentView> {
    return this.toView(found(await this.repository.findById(scope, id)));
  }

  async update(scope: PageScope, id: string, patch: Record<string, unknown>): Promise<ContentView> {
    return this.toView(found(await this.write(() => this.repository.update(scope, id, patch))));
  }

  async delete(scope: PageScope, id: string): Promise<void> {
    if (!(await this.repository.delete(scope, id))) throw notFound();
  }

  deleteAll(scope: PageScope): Promise<number> {
    return this.repository.deleteAll(scope);
  }

  private async write<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (error instanceof DuplicateRecordError) throw new ConflictException({ error: 'conflict' });
      throw error;
    }
  }

  private toView(record: ContentRecord): ContentView {
    const fields = this.definition.fields.filter((field) => record[field] !== undefined && record[field] !== null);
    return {
      id: record._id.toHexString(),
      statusPageId: record.statusPageId,
      ...Object.fromEntries(fields.map((field) => [field, record[field]])),
      createdAt: record.createdAt.toISOString(),
      updatedAt: record.updatedAt.toISOString(),
    };
  }
}

function found<T>(record: T | null): T {
  if (record === null) throw notFound();
  return record;
}

function notFound(): NotFoundException {
  return new NotFoundException({ error: 'not_found' });
}
