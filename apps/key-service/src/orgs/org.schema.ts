import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { OutboxFields } from '../outbox/outbox.fields';

@Schema({ collection: 'orgs', timestamps: true, versionKey: false })
export class Org extends OutboxFields {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ required: true })
  name!: string;

  createdAt?: Date;
  updatedAt?: Date;
}
export const OrgSchema = SchemaFactory.createForClass(Org);
