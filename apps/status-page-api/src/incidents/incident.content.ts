import type { ContentDefinition } from '../content/content-definition';
import { createIncidentSchema, updateIncidentSchema } from './create-incident.request.dto';
import { Incident, IncidentSchema } from './incident.schema';

export const incidentContent: ContentDefinition = {
  kind: 'incidents',
  modelName: Incident.name,
  schema: IncidentSchema,
  singular: 'incident',
  fields: ['title', 'status', 'message'],
  createBody: createIncidentSchema,
  updateBody: updateIncidentSchema,
};
