import 'reflect-metadata';
import { startHttpApp, validateEnv } from '@sp/platform';
import { AppModule } from './app.module';
import { envSchema } from './config/env.schema';

async function main(): Promise<void> {
  const env = validateEnv(envSchema)(process.env);
  await startHttpApp(AppModule, {
    port: env.STATUS_PAGE_API_PORT,
    host: env.STATUS_PAGE_API_HOST,
    docs: {
      title: 'status-page-api',
      description:
        'Internal upstream behind the gateway: incidents, maintenances, services, subscriptions and settings of status pages. ' +
        'Trusts the x-sp-* identity headers the gateway sets; never exposed publicly.',
    },
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
