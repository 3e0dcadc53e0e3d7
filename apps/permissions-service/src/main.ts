import 'reflect-metadata';
import { Transport } from '@nestjs/microservices';
import { startHttpApp, validateEnv } from '@sp/platform';
import { AppModule } from './app.module';
import { permissionsEnvSchema } from './config/env.schema';

async function main(): Promise<void> {
  const env = validateEnv(permissionsEnvSchema)(process.env);
  await startHttpApp(AppModule, {
    port: env.PERMISSIONS_SERVICE_PORT,
    host: env.PERMISSIONS_SERVICE_HOST,
    docs: { title: 'permissions-service', description: 'Internal authorization over the materialized access view. Bearer: INTERNAL_TOKEN.', bearer: true },
    configure: async (app) => {
      app.connectMicroservice({ transport: Transport.TCP, options: { host: env.PERMISSIONS_TCP_HOST, port: env.PERMISSIONS_TCP_PORT } });
      await app.startAllMicroservices();
    },
  });
}

main().catch((err: Error) => {
  console.error(`permissions-service failed to start: ${err.message}`);
  process.exit(1);
});
