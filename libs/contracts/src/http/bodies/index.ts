// Request bodies of the status-page API, shared by status-page-api (validation) and the gateway
// (its public OpenAPI document): one definition of each.
export * from './body-fields';
export * from './incident.body';
export * from './service.body';
export * from './subscription.body';
export * from './page-settings.body';
