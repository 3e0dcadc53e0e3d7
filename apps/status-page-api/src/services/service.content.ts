import type { ContentDefinition } from '../content/content-definition';
import { createServiceSchema, updateServiceSchema } from './create-service.request.dto';
import { MonitoredService, MonitoredServiceSchema } from './monitored-service.schema';

export const serviceContent: ContentDefinition = {
  kind: 'services',
  modelName: MonitoredService.name,
  schema: MonitoredServiceSchema,
  singular: 'service',
  fields: ['name', 'status'],
  createBody: createServiceSchema,
  updateBody: updateServiceSchema,
};
