// Health check of the local stack: waits until Kafka answers metadata requests, the MongoDB-wire
// server answers ping and Redis answers PING, or fails after STACK_READY_TIMEOUT_MS (default 90 s).
const { Kafka, logLevel } = require('kafkajs');
const { MongoClient } = require('mongodb');
const Redis = require('ioredis');

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
  if (process.env.REDIS_URL) {
    await until('redis', async () => {
      const redis = new Redis(process.env.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      redis.on('error', () => undefined);
      try {
        await redis.connect();
        if ((await redis.ping()) !== 'PONG') throw new Error('no PONG');
      } finally {
        redis.disconnect();
      }
    });
  }
}

main().catch((err) => {
  console.error(`[stack] ${err.message}`);
  process.exit(1);
});
