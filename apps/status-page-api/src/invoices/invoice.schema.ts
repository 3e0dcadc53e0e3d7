import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * An invoice of an org. Written by the billing system (outside this platform); this service only
 * serves them to keys the gateway allowed `billing:read`.
 */
@Schema({ collection: 'invoices', timestamps: true, versionKey: false })
export class Invoice {
  @Prop({ required: true, index: true })
  orgId!: string;

  @Prop({ required: true })
  number!: string;

  @Prop({ required: true })
  amountCents!: number;

  @Prop({ required: true })
  currency!: string;

  @Prop({ type: String, required: true })
  status!: 'draft' | 'open' | 'paid' | 'void';

  @Prop({ type: Date, required: true })
  issuedAt!: Date;
}
export const InvoiceSchema = SchemaFactory.createForClass(Invoice);
InvoiceSchema.index({ orgId: 1, issuedAt: -1 });
