import { Prop } from '@nestjs/mongoose';

/**
 * Fields every aggregate document carries: its version and its outbox. A change and the event
 * describing it are written together in ONE single-document update (atomic on MongoDB and the local engine
 * alike, no multi-document transaction): `$set` the new state and version, `$push` the serialized
 * event, set `outboxPending`. The relay publishes pending events and pulls them afterwards.
 */
export abstract class OutboxFields {
  @Prop({ required: true, type: Number })
  version!: number;

  /** Serialized events (JSON), oldest first, not yet confirmed published. */
  @Prop({ type: [String], default: [] })
  outbox!: string[];

  @Prop({ type: Boolean, default: false, index: true })
  outboxPending!: boolean;
}
