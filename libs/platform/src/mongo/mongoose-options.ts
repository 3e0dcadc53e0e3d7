import { z } from 'zod';
import { mongoUriSchema } from '../config/validate-env';

/**
 * MongoDB settings every service with a database shares. MONGODB_MAX_POOL_SIZE is the connection
 * pool of each service (20, as in docker-compose): MongoDB and the local engine (mongo-java-server)
 * both apply concurrent updates of one document atomically, which the compatibility suite
 * (apps/key-service/test/mongo-compat.int-spec.ts) checks over a pool of this size.
 */
export const mongoEnvSchema = z.object({
  MONGODB_URI: mongoUriSchema,
  MONGODB_MAX_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(20),
});

export function mongooseOptions(env: { MONGODB_URI: string; MONGODB_MAX_POOL_SIZE: number }, dbName: string) {
  return {
    uri: env.MONGODB_URI,
    dbName,
    maxPoolSize: env.MONGODB_MAX_POOL_SIZE,
    // A database that is down or stops answering fails requests within seconds (503, see
    // HttpErrorsFilter) rather than holding them: no buffering while disconnected, short timeouts.
    serverSelectionTimeoutMS: 2000,
    connectTimeoutMS: 2000,
    socketTimeoutMS: 3000,
    bufferCommands: false,
  };
}
