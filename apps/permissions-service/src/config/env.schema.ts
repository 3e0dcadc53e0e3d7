import { z } from 'zod';
import { commonEnvSchema, eventSigningEnvShape, mongoEnvSchema, pepperSchema, portSchema, secretSchema } from '@sp/platform';

export const permissionsEnvSchema = commonEnvSchema.extend({
  ...mongoEnvSchema.shape,
  PERMISSIONS_DB: z.string().regex(/^[A-Za-z0-9_-]{1,60}$/).default('permissions_service'),
  PERMISSIONS_SERVICE_PORT: portSchema.default(3002),
  PERMISSIONS_SERVICE_HOST: z.string().default('127.0.0.1'),
  /** NestJS TCP microservice transport for the `authorize` message pattern (loopback by default). */
  PERMISSIONS_TCP_PORT: portSchema.default(3012),
  PERMISSIONS_TCP_HOST: z.string().default('127.0.0.1'),
  INTERNAL_TOKEN: secretSchema('bearer token of internal calls'),
  API_KEY_PEPPER: pepperSchema,
  ...eventSigningEnvShape,
  PERMISSIONS_GROUP: z.string().default('permissions-service.view'),
});
export type PermissionsEnv = z.infer<typeof permissionsEnvSchema>;
