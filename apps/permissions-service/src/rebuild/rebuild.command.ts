/**
 * `npm run rebuild-view` (tools/run.sh rebuild): replays the access topic into an empty database
 * and reports whether it equals the live view. Exit code 0 when equal, 2 when not, 1 on error.
 */
import { EventSigner, validateEnv } from '@sp/platform';
import { permissionsEnvSchema } from '../config/env.schema';
import { rebuildView } from './rebuild-view';

async function main(): Promise<void> {
  const env = validateEnv(permissionsEnvSchema.pick({ KAFKA_BROKERS: true, MONGODB_URI: true, PERMISSIONS_DB: true, EVENT_SIGNING_KEYS: true }))(process.env);
  const report = await rebuildView({
    brokers: env.KAFKA_BROKERS,
    mongoUri: env.MONGODB_URI,
    liveDb: env.PERMISSIONS_DB,
    signer: new EventSigner(env.EVENT_SIGNING_KEYS),
    keep: process.argv.includes('--keep'),
  });
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  process.exit(report.equal ? 0 : 2);
}

main().catch((err: Error) => {
  console.error(`rebuild failed: ${err.message}`);
  process.exit(1);
});
