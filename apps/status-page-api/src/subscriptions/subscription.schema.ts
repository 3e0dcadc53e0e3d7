import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { CONTENT_SCHEMA_OPTIONS, PageScopedRecord, withPageIndexes } from '../content/page-scoped.schema';

@Schema({ ...CONTENT_SCHEMA_OPTIONS, collection: 'subscriptions' })
export class Subscription extends PageScopedRecord {
  @Prop({ type: String, required: true })
  email!: string;
}

export const SubscriptionSchema = withPageIndexes(SchemaFactory.createForClass(Subscription));
/** One subscription per email and page: a second one is refused by the database (409). */
SubscriptionSchema.index({ orgId: 1, statusPageId: 1, email: 1 }, { unique: true });
