// The bodies live in libs/contracts (shared with the gateway's OpenAPI document); re-exported for this app's imports.
export { INCIDENT_STATUSES, INCIDENT_TITLE_MAX, INCIDENT_MESSAGE_MAX, createIncidentSchema, updateIncidentSchema } from '@sp/contracts';
export type { IncidentStatus, CreateIncidentRequest, UpdateIncidentRequest } from '@sp/contracts';
