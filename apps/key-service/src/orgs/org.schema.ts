import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { KeyAccess } from '@sp/contracts';
import { OutboxFields } from '../outbox/outbox.fields';

/** DESIGN.md "Keys": applied to keys created or rolled after it is set; existing keys keep their settings. */
export interface OrgKeyPolicy {
  maxLifetimeDays: number | null;
  orgKeyMaxAccess: KeyAccess | null;
}

@Schema({ collection: 'orgs', timestamps: true, versionKey: false })
export class Org extends OutboxFields {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ required: true })
  name!: string;

  /** Not an access event: only key-service applies it, when it issues keys. */
  @Prop({ type: Object, default: null })
  keyPolicy!: OrgKeyPolicy | null;

  createdAt?: Date;
  updatedAt?: Date;
}
export const OrgSchema = SchemaFactory.createForClass(Org);
