// The bodies live in libs/contracts (shared with the gateway's OpenAPI document); re-exported for this app's imports.
export { SERVICE_STATUSES, SERVICE_NAME_MAX, createServiceSchema, updateServiceSchema } from '@sp/contracts';
export type { ServiceStatus, CreateServiceRequest, UpdateServiceRequest } from '@sp/contracts';
