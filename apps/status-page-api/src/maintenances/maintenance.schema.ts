import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { CONTENT_SCHEMA_OPTIONS, PageScopedRecord, withPageIndexes } from '../content/page-scoped.schema';
import { INCIDENT_STATUSES, IncidentStatus } from '../incidents/create-incident.request.dto';

@Schema({ ...CONTENT_SCHEMA_OPTIONS, collection: 'maintenances' })
export class Maintenance extends PageScopedRecord {
  @Prop({ type: String, required: true })
  title!: string;

  @Prop({ type: String, required: true, enum: INCIDENT_STATUSES })
  status!: IncidentStatus;

  @Prop({ type: String })
  message?: string;
}

export const MaintenanceSchema = withPageIndexes(SchemaFactory.createForClass(Maintenance));
