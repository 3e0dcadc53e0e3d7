import { Prop } from '@nestjs/mongoose';
import type { Schema as MongooseSchema } from 'mongoose';

/** Options every content collection uses: createdAt/updatedAt maintained by mongoose, no `__v`. */
export const CONTENT_SCHEMA_OPTIONS = { timestamps: true, versionKey: false } as const;

/** The fields every content record has: its tenant (org and page) and timestamps. */
export abstract class PageScopedRecord {
  @Prop({ type: String, required: true })
  orgId!: string;

  @Prop({ type: String, required: true })
  statusPageId!: string;

  createdAt!: Date;
  updatedAt!: Date;
}

/** Lists are read per page, newest first: (orgId, statusPageId, createdAt desc, _id desc). */
export function withPageIndexes<S extends MongooseSchema>(schema: S): S {
  schema.index({ orgId: 1, statusPageId: 1, createdAt: -1, _id: -1 });
  return schema;
}
