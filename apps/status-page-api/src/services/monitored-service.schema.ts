import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { CONTENT_SCHEMA_OPTIONS, PageScopedRecord, withPageIndexes } from '../content/page-scoped.schema';
import { SERVICE_STATUSES, ServiceStatus } from './create-service.request.dto';

/** A service (component) shown on a status page. Named so it is not mistaken for a Nest service. */
@Schema({ ...CONTENT_SCHEMA_OPTIONS, collection: 'services' })
export class MonitoredService extends PageScopedRecord {
  @Prop({ type: String, required: true })
  name!: string;

  @Prop({ type: String, required: true, enum: SERVICE_STATUSES, default: 'operational' })
  status!: ServiceStatus;
}

export const MonitoredServiceSchema = withPageIndexes(SchemaFactory.createForClass(MonitoredService));
