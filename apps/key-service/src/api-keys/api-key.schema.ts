import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { KeyAccess, KeyPermission, KeyType, RevocationReason } from '@sp/contracts';
import { OutboxFields } from '../outbox/outbox.fields';

/** An API key's metadata. The key itself is never stored: only its HMAC-SHA256 (`keyHash`). */
@Schema({ collection: 'api_keys', timestamps: true, versionKey: false })
export class ApiKey extends OutboxFields {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ required: true, index: true })
  orgId!: string;

  @Prop({ type: String, required: true })
  type!: KeyType;

  @Prop({ type: String, default: null })
  userId!: string | null;

  @Prop({ required: true })
  name!: string;

  @Prop({ type: String, required: true })
  access!: KeyAccess;

  @Prop({ type: [String], default: null })
  statusPageIds!: string[] | null;

  /** The key's narrowing to these permissions; null (or absent on older documents): none. */
  @Prop({ type: [String], default: null })
  permissions!: KeyPermission[] | null;

  @Prop({ type: String, default: null })
  expiresAt!: string | null;

  @Prop({ type: [String], default: null })
  allowedIps!: string[] | null;

  @Prop({ required: true, unique: true })
  keyHash!: string;

  @Prop({ required: true })
  prefix!: string;

  @Prop({ required: true })
  last4!: string;

  @Prop({ type: String, default: null })
  revokedAt!: string | null;

  /** Why it was revoked (absent on keys revoked before reasons were kept: `revoked`). */
  @Prop({ type: String, default: null })
  revokedReason!: RevocationReason | null;

  /** For a leaked key: where the reporter found it. */
  @Prop({ type: Object, default: null })
  revocationReport!: { url: string | null; source: string | null } | null;

  @Prop({ type: String, default: null })
  graceEndsAt!: string | null;

  @Prop({ type: String, default: null })
  replacedBy!: string | null;

  @Prop({ type: String, default: null })
  rolledFrom!: string | null;

  @Prop({ type: Date, default: null })
  lastUsedAt!: Date | null;

  createdAt?: Date;
  updatedAt?: Date;
}
export const ApiKeySchema = SchemaFactory.createForClass(ApiKey);
