import type { ContentDefinition } from '../content/content-definition';
import { createMaintenanceSchema, updateMaintenanceSchema } from './create-maintenance.request.dto';
import { Maintenance, MaintenanceSchema } from './maintenance.schema';

export const maintenanceContent: ContentDefinition = {
  kind: 'maintenances',
  modelName: Maintenance.name,
  schema: MaintenanceSchema,
  singular: 'maintenance',
  fields: ['title', 'status', 'message'],
  createBody: createMaintenanceSchema,
  updateBody: updateMaintenanceSchema,
};
