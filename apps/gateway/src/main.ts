import 'reflect-metadata';
import { startHttpApp, validateEnv } from '@sp/platform';
import { AppModule } from './app.module';
import { gatewayEnvSchema } from './config/env.schema';
import { PublicApiHandler } from './public-api/public-api.handler';

async function main(): Promise<void> {
  const env = validateEnv(gatewayEnvSchema)(process.env);
  await startHttpApp(AppModule, {
    port: env.GATEWAY_PORT,
    host: env.GATEWAY_HOST,
    bodyParser: false,
    configure: (app) => {
      // The public API runs before Nest's router: /v1/* never reaches a Nest route.
      app.use(app.get(PublicApiHandler).middleware);
    },
  });
}

main().catch((err: Error) => {
  console.error(`gateway failed to start: ${err.message}`);
  process.exit(1);
});
