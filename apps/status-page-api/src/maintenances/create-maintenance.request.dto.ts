// The bodies live in libs/contracts (shared with the gateway's OpenAPI document); re-exported for this app's imports.
export { createMaintenanceSchema, updateMaintenanceSchema } from '@sp/contracts';
