import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { isDuplicateKeyError } from '../common/mongo-errors';
import type { PageScope } from '../common/page-scope';
import { PageSettings } from './page-settings.schema';

export type PageSettingsRecord = PageSettings;

@Injectable()
export class PageSettingsRepository implements OnModuleInit {
  constructor(@InjectModel(PageSettings.name) private readonly model: Model<PageSettings>) {}

  /** The unique (orgId, statusPageId) index must exist before the first upsert. */
  async onModuleInit(): Promise<void> {
    await this.model.init();
  }

  find(scope: PageScope): Promise<PageSettingsRecord | null> {
    return this.model.findOne(scoped(scope)).lean<PageSettingsRecord>().exec();
  }

  /**
   * Sets and removes fields, creating the document on the first change. Two first changes racing
   * can both try to insert: the unique index refuses one, which is then retried as an update.
   */
  async upsert(scope: PageScope, $set: Record<string, unknown>, unset: string[]): Promise<PageSettingsRecord> {
    const update = { $set, ...(unset.length > 0 ? { $unset: Object.fromEntries(unset.map((field) => [field, ''])) } : {}) };
    const run = () => this.model.findOneAndUpdate(scoped(scope), update, { upsert: true, new: true }).lean<PageSettingsRecord>().exec();
    try {
      return (await run()) as PageSettingsRecord;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      return (await run()) as PageSettingsRecord;
    }
  }

  async delete(scope: PageScope): Promise<void> {
    await this.model.deleteOne(scoped(scope)).exec();
  }
}

function scoped(scope: PageScope): Record<string, string> {
  return { orgId: scope.orgId, statusPageId: scope.statusPageId };
}
