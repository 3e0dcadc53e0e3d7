// Health check of the local stack: waits until Kafka answers metadata requests and the
// MongoDB-wire server answers ping, or fails after STACK_READY_TIMEOUT_MS (default 90 s).
const { Kafka, logLevel } = require('kafkajs');
const { MongoClient } = require('mongodb');

const deadline = Date.now() + Number(process.env.STACK_READY_TIMEOUT_MS || 90000);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(name, probe) {
  let lastError;
  while (Date.now() < deadline) {
    try {
      await probe();
      return;
    } catch (err) {
      lastError = err;
      await sleep(500);
    }
  }
  throw new Error(`${name} not ready: ${lastError && lastError.message}`);
}

async function main() {
  const brokers = process.env.KAFKA_BROKERS.split(',');
  await until('kafka', async () => {
    const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.controller === null || cluster.brokers.length === 0) throw new Error('no controller yet');
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  });
  await until('mongodb', async () => {
    const client = new MongoClient(process.env.MONGODB_URI, { serverSelectionTimeoutMS: 1000 });
    try {
      await client.db('admin').command({ ping: 1 });
    } finally {
      await client.close().catch(() => undefined);
    }
  });
}

main().catch((err) => {
  console.error(`[stack] ${err.message}`);
  process.exit(1);
});
