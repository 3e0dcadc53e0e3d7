import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { STATUS_PAGE_REMOVED, STATUS_PAGE_UPSERTED, type Actor } from '@sp/contracts';
import { conflict, notFound } from '../common/errors';
import { OrgsService } from '../orgs/orgs.service';
import { AggregateWriter, buildEvent } from '../outbox/aggregate.writer';
import { StatusPage } from './status-page.schema';

@Injectable()
export class StatusPagesService {
  constructor(
    @InjectModel(StatusPage.name) private readonly pages: Model<StatusPage>,
    private readonly orgs: OrgsService,
    private readonly writer: AggregateWriter,
  ) {}

  async upsert(orgId: string, pageId: string, name: string, actor: Actor) {
    await this.orgs.require(orgId);
    let created = false;
    const result = await this.writer.write(this.pages, pageId, orgId, (current, version) => {
      if (current && current.orgId !== orgId) throw conflict(`status page ${pageId} belongs to another org`);
      if (current && !current.removed && current.name === name) return null;
      created = current === null || current.removed;
      const now = new Date();
      return {
        set: { orgId, name, removed: false, updatedAt: now, ...(current ? {} : { createdAt: now }) },
        event: buildEvent(STATUS_PAGE_UPSERTED, { orgId, aggregateId: pageId, aggregateVersion: version, actor }, { pageId, name }),
      };
    });
    return { created, page: toPageResponse(result.doc), consistencyToken: result.consistencyToken };
  }

  /** Removes a page from its org (idempotent). Keys narrowed to it lose it; nothing else changes. */
  async remove(orgId: string, pageId: string, actor: Actor, beforeRemoval: () => Promise<void> = async () => undefined) {
    const existing = await this.pages.findById(pageId).lean<StatusPage>().exec();
    if (existing && existing.orgId === orgId && !existing.removed) await beforeRemoval();
    const result = await this.writer.write(this.pages, pageId, orgId, (current, version) => {
      if (!current || current.orgId !== orgId) throw notFound(`status page ${pageId} of org ${orgId}`);
      if (current.removed) return null;
      return {
        set: { removed: true, updatedAt: new Date() },
        event: buildEvent(STATUS_PAGE_REMOVED, { orgId, aggregateId: pageId, aggregateVersion: version, actor }, { pageId }),
      };
    });
    return { page: toPageResponse(result.doc), consistencyToken: result.consistencyToken };
  }

  /** The pages of `orgId` among `pageIds` that do not exist there (or were removed). */
  async unknownPages(orgId: string, pageIds: string[]): Promise<string[]> {
    if (pageIds.length === 0) return [];
    const found = await this.pages.find({ _id: { $in: pageIds }, orgId, removed: false }, { _id: 1 }).lean<{ _id: string }[]>().exec();
    const known = new Set(found.map((p) => p._id));
    return pageIds.filter((id) => !known.has(id));
  }
}

export function toPageResponse(page: StatusPage) {
  return { id: page._id, orgId: page.orgId, name: page.name, removed: page.removed, version: page.version };
}
