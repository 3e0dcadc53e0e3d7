import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { ServiceProcess } from '@sp/testing';

export interface SystemPorts {
  gateway: number;
  /** The gateway's internal port (/metrics); defaults to gateway + 90. */
  gatewayInternal?: number;
  keyService: number;
  permissions: number;
  permissionsTcp: number;
  upstream: number;
}

/**
 * The four services as real processes on the real stack, with their own databases and consumer
 * groups, for end-to-end tests through the gateway.
 */
export class System {
  readonly run = randomUUID().slice(0, 8);
  readonly dbs = {
    keys: `e2e_keys_${this.run}`,
    permissions: `e2e_perm_${this.run}`,
    upstream: `e2e_spapi_${this.run}`,
  };
  readonly services: ServiceProcess[];
  readonly gateway: ServiceProcess;
  readonly keyService: ServiceProcess;
  /** The gateway's internal port (/metrics, detailed health). */
  readonly gatewayInternalUrl: string;
  /** Shared by the gateway and status-page-api: the gateway signs identities with it. */
  readonly upstreamSecret = process.env.GATEWAY_UPSTREAM_SECRET ?? `e2e-upstream-secret-${randomUUID()}`;

  /** `gatewayNodeArgs`: node flags for the gateway process, e.g. `--inspect=127.0.0.1:<port>`. */
  constructor(ports: SystemPorts, gatewayEnv: Record<string, string> = {}, gatewayNodeArgs: string[] = []) {
    const upstream = new ServiceProcess('status-page-api', ports.upstream, {
      STATUS_PAGE_API_PORT: String(ports.upstream),
      STATUS_PAGE_API_DB: this.dbs.upstream,
      GATEWAY_UPSTREAM_SECRET: this.upstreamSecret,
    });
    const permissions = new ServiceProcess('permissions-service', ports.permissions, {
      PERMISSIONS_SERVICE_PORT: String(ports.permissions),
      PERMISSIONS_TCP_PORT: String(ports.permissionsTcp),
      PERMISSIONS_DB: this.dbs.permissions,
      PERMISSIONS_GROUP: `e2e-perm-${this.run}`,
    });
    this.keyService = new ServiceProcess('key-service', ports.keyService, {
      KEY_SERVICE_PORT: String(ports.keyService),
      KEY_SERVICE_DB: this.dbs.keys,
      KEY_USAGE_GROUP: `e2e-usage-${this.run}`,
      OUTBOX_POLL_MS: '100',
    });
    const internalPort = ports.gatewayInternal ?? ports.gateway + 90;
    this.gatewayInternalUrl = `http://127.0.0.1:${internalPort}`;
    this.gateway = new ServiceProcess('gateway', ports.gateway, {
      GATEWAY_PORT: String(ports.gateway),
      GATEWAY_INTERNAL_PORT: String(internalPort),
      GATEWAY_UPSTREAM_SECRET: this.upstreamSecret,
      GATEWAY_HOST: '127.0.0.1',
      UPSTREAM_URL: `http://127.0.0.1:${ports.upstream}`,
      PERMISSIONS_URL: `http://127.0.0.1:${ports.permissions}`,
      USAGE_FLUSH_MS: '50',
      // Its own rate-limit counters in the stack's Redis: suites reuse client addresses.
      RATE_LIMIT_REDIS_PREFIX: `e2e-${this.run}:`,
      ...gatewayEnv,
    }, undefined, gatewayNodeArgs);
    this.services = [upstream, permissions, this.keyService, this.gateway];
  }

  async start(): Promise<void> {
    if (!process.env.KAFKA_BROKERS || !process.env.MONGODB_URI) throw new Error('run through npm test: KAFKA_BROKERS and MONGODB_URI are required');
    await Promise.all(this.services.slice(0, 3).map((s) => s.start()));
    await this.gateway.start();
  }

  /** Stops the four services and starts them again on the same databases and consumer groups. */
  async restart(): Promise<void> {
    await Promise.all(this.services.map((s) => s.stop()));
    await this.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.services.map((s) => s.stop()));
    for (const db of Object.values(this.dbs)) {
      const conn = await mongoose.createConnection(process.env.MONGODB_URI as string, { dbName: db }).asPromise();
      await conn.dropDatabase();
      await conn.close();
    }
  }
}

export interface Answer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

async function call<T>(url: string, method: string, headers: Record<string, string>, body?: unknown): Promise<Answer<T>> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text.length > 0 ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

/** The admin API of key-service. */
export class Admin {
  constructor(private readonly base: string) {}
  private headers = { Authorization: `Bearer ${process.env.ADMIN_TOKEN}` };
  put<T = any>(path: string, body: unknown) {
    return call<T>(this.base + path, 'PUT', this.headers, body);
  }
  post<T = any>(path: string, body: unknown = {}) {
    return call<T>(this.base + path, 'POST', this.headers, body);
  }
  del<T = any>(path: string) {
    return call<T>(this.base + path, 'DELETE', this.headers);
  }
  get<T = any>(path: string) {
    return call<T>(this.base + path, 'GET', this.headers);
  }
}

/** The public API through the gateway, as one client (key, address, consistency token). */
export class Client {
  constructor(private readonly base: string) {}
  request<T = any>(
    method: string,
    path: string,
    opts: { key?: string; token?: string; ip?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) {
    const headers: Record<string, string> = { 'x-forwarded-for': opts.ip ?? '203.0.113.10', ...(opts.headers ?? {}) };
    if (opts.key) headers.authorization = `Bearer ${opts.key}`;
    if (opts.token) headers['x-consistency-token'] = opts.token;
    return call<T>(this.base + path, method, headers, opts.body);
  }
}
