// Moved to libs/contracts (shared with the gateway's OpenAPI document); re-exported for this app's imports.
export { requiredText, optionalText, oneOf, emailField } from '@sp/contracts';
