import type { Model, Types } from 'mongoose';
import type { CursorPosition } from '../common/cursor';
import { isDuplicateKeyError } from '../common/mongo-errors';
import type { PageScope } from '../common/page-scope';

/** A content record as stored (lean). */
export interface ContentRecord {
  _id: Types.ObjectId;
  orgId: string;
  statusPageId: string;
  createdAt: Date;
  updatedAt: Date;
  [field: string]: unknown;
}

/** Raised when a unique index refuses a write (a subscription's email already on that page). */
export class DuplicateRecordError extends Error {
  constructor() {
    super('duplicate record');
  }
}

const OBJECT_ID = /^[0-9a-f]{24}$/i;

/**
 * Mongoose access to one content collection. Every query is filtered by org AND page, so a record
 * is only ever found under the scope it was created in. Ids that cannot be ObjectIds find nothing.
 */
export class ContentRepository {
  constructor(private readonly model: Model<ContentRecord>) {}

  /** Resolves once the collection's indexes exist (the unique ones must before the first write). */
  async ready(): Promise<void> {
    await this.model.init();
  }

  async create(scope: PageScope, fields: Record<string, unknown>): Promise<ContentRecord> {
    try {
      const created = await this.model.create({ ...fields, orgId: scope.orgId, statusPageId: scope.statusPageId });
      return created.toObject() as ContentRecord;
    } catch (error) {
      throw translateWriteError(error);
    }
  }

  /** Newest first; with `after`, only the records strictly after that position in that order. */
  async list(scope: PageScope, options: { limit: number; after?: CursorPosition }): Promise<ContentRecord[]> {
    const filter: Record<string, unknown> = { orgId: scope.orgId, statusPageId: scope.statusPageId };
    if (options.after) {
      const { createdAt, id } = options.after;
      filter['$or'] = [{ createdAt: { $lt: createdAt } }, { createdAt, _id: { $lt: id } }];
    }
    return this.model.find(filter).sort({ createdAt: -1, _id: -1 }).limit(options.limit).lean<ContentRecord[]>().exec();
  }

  async findById(scope: PageScope, id: string): Promise<ContentRecord | null> {
    if (!OBJECT_ID.test(id)) return null;
    return this.model.findOne(byId(scope, id)).lean<ContentRecord>().exec();
  }

  /** Sets the given fields; a `null` value removes the field. Null when there is no such record. */
  async update(scope: PageScope, id: string, patch: Record<string, unknown>): Promise<ContentRecord | null> {
    if (!OBJECT_ID.test(id)) return null;
    const $set: Record<string, unknown> = {};
    const $unset: Record<string, ''> = {};
    for (const [field, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      if (value === null) $unset[field] = '';
      else $set[field] = value;
    }
    if (Object.keys($set).length === 0 && Object.keys($unset).length === 0) return this.findById(scope, id);
    try {
      return await this.model
        .findOneAndUpdate(byId(scope, id), { $set, ...(Object.keys($unset).length > 0 ? { $unset } : {}) }, { new: true })
        .lean<ContentRecord>()
        .exec();
    } catch (error) {
      throw translateWriteError(error);
    }
  }

  /** True when a record was deleted. */
  async delete(scope: PageScope, id: string): Promise<boolean> {
    if (!OBJECT_ID.test(id)) return false;
    const result = await this.model.deleteOne(byId(scope, id)).exec();
    return result.deletedCount > 0;
  }

  /** Removes every record of the page; returns how many. */
  async deleteAll(scope: PageScope): Promise<number> {
    const result = await this.model.deleteMany({ orgId: scope.orgId, statusPageId: scope.statusPageId }).exec();
    return result.deletedCount;
  }
}

function byId(scope: PageScope, id: string): Record<string, unknown> {
  return { _id: id, orgId: scope.orgId, statusPageId: scope.statusPageId };
}

function translateWriteError(error: unknown): unknown {
  return isDuplicateKeyError(error) ? new DuplicateRecordError() : error;
}
