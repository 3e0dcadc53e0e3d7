import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { ServiceProcess } from '@sp/testing';

export interface ClusterPorts {
  /** One per gateway; each one's internal port (/metrics) is its port + 90. */
  gateways: number[];
  keyService: number;
  /** One [HTTP, TCP] pair per permissions-service instance. */
  permissions: [number, number][];
  upstream: number;
}

/**
 * The system scaled out as a real deployment would be: several gateways sharing their rate limits
 * through the stack's Redis (one prefix per cluster), several permissions-service instances in one
 * consumer group on one database, one key-service and one status-page-api; all real processes.
 */
export class Cluster {
  readonly run = randomUUID().slice(0, 8);
  readonly dbs = { keys: `mi_keys_${this.run}`, permissions: `mi_perm_${this.run}`, upstream: `mi_spapi_${this.run}` };
  readonly permissionsGroup = `mi-perm-${this.run}`;
  readonly redisPrefix = `mi-${this.run}:`;
  readonly upstreamSecret = process.env.GATEWAY_UPSTREAM_SECRET ?? `mi-upstream-secret-${randomUUID()}`;
  readonly upstream: ServiceProcess;
  readonly keyService: ServiceProcess;
  readonly permissions: ServiceProcess[];
  readonly gateways: ServiceProcess[];

  constructor(ports: ClusterPorts, gatewayEnv: Record<string, string> = {}) {
    this.upstream = new ServiceProcess('status-page-api', ports.upstream, {
      STATUS_PAGE_API_PORT: String(ports.upstream),
      STATUS_PAGE_API_DB: this.dbs.upstream,
      GATEWAY_UPSTREAM_SECRET: this.upstreamSecret,
    });
    this.permissions = ports.permissions.map(
      ([http, tcp]) =>
        new ServiceProcess('permissions-service', http, {
          PERMISSIONS_SERVICE_PORT: String(http),
          PERMISSIONS_TCP_PORT: String(tcp),
          PERMISSIONS_DB: this.dbs.permissions,
          PERMISSIONS_GROUP: this.permissionsGroup,
        }),
    );
    this.keyService = new ServiceProcess('key-service', ports.keyService, {
      KEY_SERVICE_PORT: String(ports.keyService),
      KEY_SERVICE_DB: this.dbs.keys,
      KEY_USAGE_GROUP: `mi-usage-${this.run}`,
      OUTBOX_POLL_MS: '100',
    });
    this.gateways = ports.gateways.map(
      (port) =>
        new ServiceProcess('gateway', port, {
          GATEWAY_PORT: String(port),
          GATEWAY_INTERNAL_PORT: String(port + 90),
          GATEWAY_UPSTREAM_SECRET: this.upstreamSecret,
          GATEWAY_HOST: '127.0.0.1',
          UPSTREAM_URL: `http://127.0.0.1:${ports.upstream}`,
          PERMISSIONS_URL: `http://127.0.0.1:${ports.permissions[0][0]}`,
          USAGE_FLUSH_MS: '50',
          RATE_LIMIT_REDIS_PREFIX: this.redisPrefix,
          ...gatewayEnv,
        }),
    );
  }

  /** The internal base URL (/metrics) of a gateway. */
  internalUrl(gateway: ServiceProcess): string {
    return `http://127.0.0.1:${gateway.port + 90}`;
  }

  get all(): ServiceProcess[] {
    return [this.upstream, ...this.permissions, this.keyService, ...this.gateways];
  }

  /** Permissions-service instances one after the other (the first creates the group's offsets), then the rest. */
  async start(): Promise<void> {
    if (!process.env.KAFKA_BROKERS || !process.env.MONGODB_URI || !process.env.REDIS_URL) {
      throw new Error('run through npm test: KAFKA_BROKERS, MONGODB_URI and REDIS_URL are required');
    }
    await Promise.all([this.upstream.start(), this.keyService.start(), this.permissions[0].start(120_000)]);
    for (const p of this.permissions.slice(1)) await p.start(120_000);
    await Promise.all(this.gateways.map((g) => g.start(120_000)));
  }

  async stop(): Promise<void> {
    await Promise.all(this.all.map((s) => s.stop()));
    for (const db of Object.values(this.dbs)) {
      const conn = await mongoose.createConnection(process.env.MONGODB_URI as string, { dbName: db }).asPromise();
      await conn.dropDatabase();
      await conn.close();
    }
  }
}
