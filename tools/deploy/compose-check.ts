import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/** The services the image runs; each must start from the image's entrypoint with SERVICE set. */
export const APP_SERVICES = ['gateway', 'key-service', 'permissions-service', 'status-page-api'] as const;
/** Ports only the compose network may reach: permissions-service (HTTP, TCP), status-page-api, the gateway's internal port. */
const INTERNAL_PORTS = [3002, 3012, 3003, 9300];

interface ComposeService {
  image?: string;
  build?: unknown;
  environment?: Record<string, unknown> | string[];
  volumes?: (string | { source?: string; target?: string })[];
  healthcheck?: { test?: unknown };
  ports?: (string | number | { published?: string | number; target?: number; host_ip?: string })[];
  depends_on?: Record<string, { condition?: string }> | string[];
  deploy?: { replicas?: number };
  command?: unknown;
  configs?: (string | { source?: string })[];
}

interface ComposeFile {
  services?: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
  configs?: Record<string, { content?: string; file?: string }>;
}

export interface CheckInput {
  /** docker-compose.yml as written (variables unexpanded). */
  compose: string;
  /** The Dockerfile as written. */
  dockerfile: string;
  /** Workspace root holding dist/apps/<app>/main.js. */
  root: string;
  /** Secret variables: name -> the published development value. */
  secrets: Readonly<Record<string, string>>;
}

/** Static checks of docker-compose.yml and the Dockerfile (no Docker engine needed). Returns the problems. */
export function checkDeployment(input: CheckInput): string[] {
  const problems: string[] = [];
  const file = parse(input.compose, { merge: true }) as ComposeFile;
  const services = file?.services ?? {};
  const namedVolumes = new Set(Object.keys(file?.volumes ?? {}));

  for (const name of ['kafka', 'mongo', 'redis', ...APP_SERVICES]) if (!services[name]) problems.push(`service ${name} is missing`);

  const kafka = services.kafka;
  if (kafka) {
    const logDirs = envOf(kafka).KAFKA_LOG_DIRS;
    if (typeof logDirs !== 'string') problems.push('kafka: KAFKA_LOG_DIRS is not set');
    else if (!mountsNamedVolume(kafka, logDirs, namedVolumes)) problems.push(`kafka: no named volume is mounted at KAFKA_LOG_DIRS (${logDirs})`);
    if (!hasHealthcheck(kafka)) problems.push('kafka: no healthcheck');
  }
  const mongo = services.mongo;
  if (mongo) {
    if (!mountsNamedVolume(mongo, '/data/db', namedVolumes)) problems.push('mongo: no named volume is mounted at /data/db');
    if (!hasHealthcheck(mongo)) problems.push('mongo: no healthcheck');
  }
  const redis = services.redis;
  if (redis) {
    if (!/^redis:\d+(\.\d+)*(-[a-z0-9]+)?$/.test(redis.image ?? '')) problems.push(`redis: image "${redis.image ?? ''}" is not a pinned redis version (e.g. redis:7.4.2-alpine)`);
    if (!hasHealthcheck(redis)) problems.push('redis: no healthcheck');
    if ((redis.ports ?? []).length > 0) problems.push('redis: its port is published (the rate-limit counters are for the gateways only)');
  }
  checkScaledGateway(services, file?.configs ?? {}, problems);
  if (!Object.values(services).some((s) => JSON.stringify(s).includes('access.events.v1'))) {
    problems.push('no service creates the access topic (access.events.v1) with its retention');
  }

  const entrypoint = dockerfileEntrypoint(input.dockerfile, problems);
  for (const name of APP_SERVICES) {
    const service = services[name];
    if (!service) continue;
    const env = envOf(service);
    if (!service.build && !service.image) problems.push(`${name}: neither build nor image`);
    if (env.NODE_ENV !== 'production') problems.push(`${name}: NODE_ENV is not production`);
    for (const [secret, published] of Object.entries(input.secrets)) {
      const value = env[secret];
      if (value === undefined) problems.push(`${name}: ${secret} is not set`);
      else if (String(value).includes(published)) problems.push(`${name}: ${secret} uses the published development default`);
      else if (!new RegExp(`^\\$\\{${secret}:\\?[^}]*\\}$`).test(String(value))) problems.push(`${name}: ${secret} must be required from the environment (\${${secret}:?...}), not "${value}"`);
    }
    for (const port of service.ports ?? []) {
      const { target, hostIp } = portOf(port);
      if (INTERNAL_PORTS.includes(target)) problems.push(`${name}: internal port ${target} is published`);
      else if (name !== 'gateway' && hostIp !== '127.0.0.1') problems.push(`${name}: port ${target} is published beyond the host's loopback`);
    }
    const deps = service.depends_on;
    if (!deps || Array.isArray(deps) || !Object.values(deps).some((d) => d.condition === 'service_healthy')) {
      problems.push(`${name}: depends_on waits for no healthy dependency`);
    }
    if (entrypoint) {
      const serviceName = env.SERVICE ?? entrypoint.defaultService;
      const main = entrypoint.path.replace('${SERVICE}', String(serviceName));
      if (serviceName !== name) problems.push(`${name}: SERVICE is "${serviceName}", the container would run another app`);
      if (!existsSync(join(input.root, main))) problems.push(`${name}: the image's entrypoint ${main} does not exist (build first)`);
    }
  }
  return problems;
}

/**
 * The gateway runs as more than one instance (deploy.replicas >= 2), shares its rate limits through
 * the redis service (REDIS_URL, waiting for it to be healthy), publishes no port itself (replicas
 * cannot share a host port) and is reached through a load balancer service that publishes 3000.
 */
function checkScaledGateway(services: Record<string, ComposeService>, configs: NonNullable<ComposeFile['configs']>, problems: string[]): void {
  const gateway = services.gateway;
  if (!gateway) return;
  if (!((gateway.deploy?.replicas ?? 1) >= 2)) problems.push('gateway: not scaled (deploy.replicas >= 2)');
  const redisUrl = envOf(gateway).REDIS_URL;
  if (typeof redisUrl !== 'string' || !/^rediss?:\/\/redis(:\d+)?\/?$/.test(redisUrl)) problems.push(`gateway: REDIS_URL is not the redis service (${String(redisUrl)})`);
  const deps = gateway.depends_on;
  if (!deps || Array.isArray(deps) || deps.redis?.condition !== 'service_healthy') problems.push('gateway: does not wait for redis to be healthy');
  if ((gateway.ports ?? []).length > 0) problems.push('gateway: publishes a port itself (its replicas are reached through the load balancer)');
  // A proxy to gateway:3000, in its own settings or in a config it mounts.
  const mounted = (s: ComposeService) => (s.configs ?? []).map((c) => configs[typeof c === 'string' ? c : (c.source ?? '')]?.content ?? '').join('\n');
  const balancers = Object.entries(services).filter(([name, s]) => name !== 'gateway' && (JSON.stringify(s) + mounted(s)).includes('gateway:3000'));
  const lb = balancers.find(([, s]) => (s.ports ?? []).some((p) => portOf(p).target === 3000));
  if (!lb) problems.push('no load balancer in front of the gateways publishes port 3000 (a service proxying to gateway:3000)');
  else if (!hasHealthcheck(lb[1])) problems.push(`${lb[0]}: no healthcheck`);
}

function dockerfileEntrypoint(dockerfile: string, problems: string[]): { path: string; defaultService?: string } | null {
  const stages = dockerfile.split(/^FROM\s/m).slice(1);
  if (stages.length < 2) problems.push('Dockerfile: not multi-stage (a build stage, then a runtime stage)');
  const runtime = stages[stages.length - 1] ?? '';
  if (!/^RUN npm ci --omit=dev/m.test(runtime)) problems.push('Dockerfile: the runtime stage does not install production dependencies only (npm ci --omit=dev)');
  const user = /^USER\s+(\S+)/m.exec(runtime)?.[1];
  if (!user || user === 'root' || user === '0') problems.push('Dockerfile: the runtime stage runs as root');
  if (!/^HEALTHCHECK\s/m.test(runtime)) problems.push('Dockerfile: no HEALTHCHECK in the runtime stage');
  if (/swc-node|ts-node|\btsx\b/.test(runtime)) problems.push('Dockerfile: the runtime stage loads a TypeScript loader');
  const node = /^ARG NODE_IMAGE=(\S+)/m.exec(dockerfile)?.[1] ?? /^FROM\s+(\S+)/m.exec(dockerfile)?.[1] ?? '';
  const major = Number(/node:(\d+)/.exec(node)?.[1]);
  if (!(major >= 22 && major % 2 === 0)) problems.push(`Dockerfile: ${node || 'the base image'} is not a maintained Node.js LTS`);
  const path = /dist\/apps\/\$\{SERVICE\}\/main\.js/.exec(/^CMD .*$/m.exec(runtime)?.[0] ?? '')?.[0];
  if (!path) {
    problems.push('Dockerfile: CMD does not run dist/apps/${SERVICE}/main.js');
    return null;
  }
  return { path, defaultService: /^ARG SERVICE=(\S+)/m.exec(runtime)?.[1] };
}

function envOf(service: ComposeService): Record<string, unknown> {
  const env = service.environment ?? {};
  if (!Array.isArray(env)) return env;
  return Object.fromEntries(env.map((line) => [line.split('=')[0], line.slice(line.indexOf('=') + 1)]));
}

function mountsNamedVolume(service: ComposeService, target: string, named: Set<string>): boolean {
  return (service.volumes ?? []).some((v) => {
    const [source, mountedAt] = typeof v === 'string' ? v.split(':') : [v.source, v.target];
    return mountedAt === target && source !== undefined && named.has(source);
  });
}

function hasHealthcheck(service: ComposeService): boolean {
  const test = service.healthcheck?.test;
  return Array.isArray(test) ? test.length > 1 : typeof test === 'string' && test.length > 0;
}

function portOf(port: NonNullable<ComposeService['ports']>[number]): { target: number; hostIp?: string } {
  if (typeof port === 'object') return { target: Number(port.target), hostIp: port.host_ip };
  const parts = String(port).split(':');
  return { target: Number(parts[parts.length - 1]), hostIp: parts.length === 3 ? parts[0] : undefined };
}
