import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { OrgRole, PageRole } from '@sp/contracts';
import { OutboxFields } from '../outbox/outbox.fields';

/** One user's memberships in one org. `_id` is `${orgId}/${userId}` (the event aggregate id). */
@Schema({ collection: 'members', timestamps: true, versionKey: false })
export class Member extends OutboxFields {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ required: true, index: true })
  orgId!: string;

  @Prop({ required: true })
  userId!: string;

  @Prop({ type: String, default: null })
  role!: OrgRole | null;

  /** Page-level roles as a list (page ids are never used as document keys). */
  @Prop({ type: [{ _id: false, pageId: String, role: String }], default: [] })
  pageRoles!: { pageId: string; role: PageRole }[];

  @Prop({ default: false })
  removed!: boolean;

  createdAt?: Date;
  updatedAt?: Date;
}
export const MemberSchema = SchemaFactory.createForClass(Member);
