import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema } from 'mongoose';

/** A lifecycle change (an access event as published), for the org's audit log. `_id` is the event id. */
@Schema({ collection: 'audit_events', versionKey: false })
export class AuditEvent {
  @Prop({ type: String, required: true })
  _id!: string;
  @Prop({ required: true })
  orgId!: string;
  @Prop({ required: true })
  type!: string;
  @Prop({ required: true })
  aggregateId!: string;
  @Prop({ required: true })
  aggregateVersion!: number;
  @Prop({ type: MongooseSchema.Types.Mixed, default: null })
  actor!: { type: string; id: string } | null;
  @Prop({ type: Date, required: true })
  occurredAt!: Date;
  @Prop({ type: MongooseSchema.Types.Mixed, default: {} })
  details!: Record<string, unknown>;
}
export const AuditEventSchema = SchemaFactory.createForClass(AuditEvent);
AuditEventSchema.index({ orgId: 1, occurredAt: -1 });

/** One gateway decision on a key (allowed or denied). `_id` is the usage event id. */
@Schema({ collection: 'key_usage', versionKey: false })
export class KeyUsage {
  @Prop({ type: String, required: true })
  _id!: string;
  @Prop({ required: true })
  orgId!: string;
  @Prop({ required: true })
  keyId!: string;
  /** The last of `count` identical decisions; the first is `firstOccurredAt`. */
  @Prop({ type: Date, required: true })
  occurredAt!: Date;
  @Prop({ type: Date, required: true })
  firstOccurredAt!: Date;
  @Prop({ required: true, default: 1 })
  count!: number;
  @Prop({ required: true })
  decision!: string;
  @Prop({ required: true })
  reason!: string;
  @Prop({ type: String, default: null })
  permission!: string | null;
  @Prop({ required: true })
  method!: string;
  @Prop({ required: true })
  route!: string;
  @Prop({ required: true })
  status!: number;
  @Prop({ type: String, default: null })
  clientIp!: string | null;
}
export const KeyUsageSchema = SchemaFactory.createForClass(KeyUsage);
KeyUsageSchema.index({ keyId: 1, occurredAt: -1 });
KeyUsageSchema.index({ orgId: 1, occurredAt: -1 });
