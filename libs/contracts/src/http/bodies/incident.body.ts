import { z } from 'zod';
import { oneOf, optionalText, requiredText } from './body-fields';

/** Statuses of incidents and maintenances (DESIGN.md's public contract: one vocabulary for both). */
export const INCIDENT_STATUSES = ['investigating', 'identified', 'monitoring', 'resolved', 'scheduled', 'in_progress', 'completed'] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export const INCIDENT_TITLE_MAX = 200;
export const INCIDENT_MESSAGE_MAX = 5000;

/** `POST .../incidents`: `{ title, status, message? }`; unknown fields are refused. */
export const createIncidentSchema = z.strictObject({
  title: requiredText(INCIDENT_TITLE_MAX),
  status: oneOf(INCIDENT_STATUSES),
  message: optionalText(INCIDENT_MESSAGE_MAX).optional(),
});
export type CreateIncidentRequest = z.infer<typeof createIncidentSchema>;

/** `PATCH .../incidents/:id`: any subset of the create fields; `message: null` removes the message. */
export const updateIncidentSchema = z.strictObject({
  title: requiredText(INCIDENT_TITLE_MAX).optional(),
  status: oneOf(INCIDENT_STATUSES).optional(),
  message: optionalText(INCIDENT_MESSAGE_MAX).nullable().optional(),
});
export type UpdateIncidentRequest = z.infer<typeof updateIncidentSchema>;

/**
 * Maintenances take the incident body (`{ title, status, message? }`, same status vocabulary,
 * DESIGN.md); they are kept apart so either can change on its own.
 */
export const createMaintenanceSchema = createIncidentSchema;
export const updateMaintenanceSchema = updateIncidentSchema;
