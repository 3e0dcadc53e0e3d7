import { createIncidentSchema, updateIncidentSchema } from '../incidents/create-incident.request.dto';

/**
 * Maintenances take the incident body (`{ title, status, message? }`, same status vocabulary,
 * DESIGN.md); they are kept apart so either can change on its own.
 */
export const createMaintenanceSchema = createIncidentSchema;
export const updateMaintenanceSchema = updateIncidentSchema;
