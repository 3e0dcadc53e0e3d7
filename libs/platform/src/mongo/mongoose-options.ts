import { z } from 'zod';
import { mongoUriSchema } from '../config/validate-env';

/**
 * MongoDB settings every service with a database shares.
 *
 * MONGODB_MAX_POOL_SIZE defaults to 1: FerretDB 1.x (the local stack) applies concurrent updates
 * of one document without isolation (measured: 200 concurrent `$inc` on one document over a pool
 * of 20 connections left 20; conditional compare-and-set updates lost writes too). One connection
 * per process serializes this process's operations, which restores single-document atomicity for
 * the one process that writes each database. Against MongoDB, raise it (docker-compose uses 20).
 */
export const mongoEnvSchema = z.object({
  MONGODB_URI: mongoUriSchema,
  MONGODB_MAX_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(1),
});

export function mongooseOptions(env: { MONGODB_URI: string; MONGODB_MAX_POOL_SIZE: number }, dbName: string) {
  return {
    uri: env.MONGODB_URI,
    dbName,
    maxPoolSize: env.MONGODB_MAX_POOL_SIZE,
    serverSelectionTimeoutMS: 5000,
  };
}
