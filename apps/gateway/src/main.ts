import 'reflect-metadata';
import { validateEnv } from '@sp/platform';
import { once } from 'node:events';
import { createGateway } from './bootstrap';
import { gatewayEnvSchema } from './config/env.schema';

async function main(): Promise<void> {
  const env = validateEnv(gatewayEnvSchema)(process.env);
  if (env.GATEWAY_INTERNAL_PORT === env.GATEWAY_PORT) throw new Error('GATEWAY_INTERNAL_PORT must differ from GATEWAY_PORT');
  const { app, internal } = await createGateway(env);
  await app.listen(env.GATEWAY_PORT, env.GATEWAY_HOST);
  internal.listen(env.GATEWAY_INTERNAL_PORT, env.GATEWAY_INTERNAL_HOST);
  await once(internal, 'listening');
}

main().catch((err: Error) => {
  console.error(`gateway failed to start: ${err.message}`);
  process.exit(1);
});
