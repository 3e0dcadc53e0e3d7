// The bodies live in libs/contracts (shared with the gateway's OpenAPI document); re-exported for this app's imports.
export { createSubscriptionSchema, updateSubscriptionSchema } from '@sp/contracts';
export type { CreateSubscriptionRequest, UpdateSubscriptionRequest } from '@sp/contracts';
