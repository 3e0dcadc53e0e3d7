import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { OutboxFields } from '../outbox/outbox.fields';

@Schema({ collection: 'status_pages', timestamps: true, versionKey: false })
export class StatusPage extends OutboxFields {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ required: true, index: true })
  orgId!: string;

  @Prop({ required: true })
  name!: string;

  @Prop({ default: false })
  removed!: boolean;

  createdAt?: Date;
  updatedAt?: Date;
}
export const StatusPageSchema = SchemaFactory.createForClass(StatusPage);
