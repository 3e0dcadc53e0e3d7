import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** A status page's settings, one document per (org, page); created by its first PATCH. */
@Schema({ collection: 'page_settings', timestamps: true, versionKey: false, minimize: false })
export class PageSettings {
  @Prop({ type: String, required: true })
  orgId!: string;

  @Prop({ type: String, required: true })
  statusPageId!: string;

  @Prop({ type: String })
  name?: string;

  @Prop({ type: String })
  timezone?: string;

  /** Keys validated to hold no '.' or '$' (update-page-settings.request.dto.ts). */
  @Prop({ type: Object })
  theme?: Record<string, string>;

  @Prop({ type: String })
  customDomain?: string;

  createdAt!: Date;
  updatedAt!: Date;
}

export const PageSettingsSchema = SchemaFactory.createForClass(PageSettings);
PageSettingsSchema.index({ orgId: 1, statusPageId: 1 }, { unique: true });
