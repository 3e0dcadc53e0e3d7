/**
 * Creates the platform's topics on the local broker at stack start (idempotent). The services
 * create them too when they start against any cluster; doing it here means consumers and tests
 * that start first find them.
 */
import { TOPICS } from '@sp/contracts';
import { ensureTopics } from '@sp/platform';

ensureTopics((process.env.KAFKA_BROKERS ?? '').split(','), Object.values(TOPICS), {
  numPartitions: Number(process.env.KAFKA_PARTITIONS ?? 3),
  replicationFactor: Number(process.env.KAFKA_REPLICATION_FACTOR ?? 1),
}).catch((err: Error) => {
  console.error(`[stack] creating topics failed: ${err.message}`);
  process.exit(1);
});
