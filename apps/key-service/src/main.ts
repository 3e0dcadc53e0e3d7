import 'reflect-metadata';
import { startHttpApp, validateEnv } from '@sp/platform';
import { AppModule } from './app.module';
import { SECRET_SCANNING_PATH } from './secret-scanning/secret-scanning.controller';
import { keyServiceEnvSchema } from './config/env.schema';

async function main(): Promise<void> {
  const env = validateEnv(keyServiceEnvSchema)(process.env);
  await startHttpApp(AppModule, {
    port: env.KEY_SERVICE_PORT,
    host: env.KEY_SERVICE_HOST,
    // Signed over the exact bytes; a report of thousands of tokens is larger than other bodies.
    rawBodyRoutes: [{ prefix: SECRET_SCANNING_PATH, limit: '5mb' }],
    docs: {
      title: 'key-service admin API',
      description: 'Orgs, status pages, memberships and API keys: the source of truth. Bearer: ADMIN_TOKEN.',
      bearer: true,
    },
  });
}

main().catch((err: Error) => {
  console.error(`key-service failed to start: ${err.message}`);
  process.exit(1);
});
