import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEVELOPMENT_SECRETS } from '@sp/platform';
import { checkDeployment } from './compose-check';

// No Docker engine runs where the tests run: docker-compose.yml and the Dockerfile are checked
// statically, and the entrypoints they name are checked against the build in dist/.
const root = join(__dirname, '..', '..');
const compose = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
const check = (c = compose, d = dockerfile) => checkDeployment({ compose: c, dockerfile: d, root, secrets: DEVELOPMENT_SECRETS });

describe('docker-compose.yml and Dockerfile', () => {
  it('pass every check (services, volumes, secrets, ports, healthchecks, entrypoints in dist/)', () => {
    expect(check()).toEqual([]);
  });

  it('fail without the Kafka volume', () => {
    const withoutVolume = compose.replace(/^ {6}- kafka-data:\/var\/lib\/kafka\/data\n/m, '');
    expect(withoutVolume).not.toEqual(compose);
    expect(check(withoutVolume)).toContain('kafka: no named volume is mounted at KAFKA_LOG_DIRS (/var/lib/kafka/data)');
  });

  it('fail with a default secret', () => {
    const withDefault = compose.replace(/\$\{ADMIN_TOKEN:\?[^}]*\}/, `\${ADMIN_TOKEN:-${DEVELOPMENT_SECRETS.ADMIN_TOKEN}}`);
    expect(withDefault).not.toEqual(compose);
    expect(check(withDefault)).toContain('gateway: ADMIN_TOKEN uses the published development default');
    const withOwnDefault = compose.replace(/\$\{ADMIN_TOKEN:\?[^}]*\}/, '${ADMIN_TOKEN:-something-else-entirely}');
    expect(check(withOwnDefault).join('\n')).toMatch(/key-service: ADMIN_TOKEN must be required from the environment/);
  });

  it('fail when the internal TCP port is published', () => {
    const published = compose.replace(/(\n {6}PERMISSIONS_TCP_HOST: 0\.0\.0\.0\n)/, '$1    ports: ["3012:3012"]\n');
    expect(published).not.toEqual(compose);
    expect(check(published)).toContain('permissions-service: internal port 3012 is published');
  });

  it('fail without redis, or with the gateway not scaled, not on redis, or published itself', () => {
    const withoutRedis = compose.replace(/^ {2}redis:\n(?: {4}.*\n| {6}.*\n)+/m, '');
    expect(withoutRedis).not.toEqual(compose);
    expect(check(withoutRedis)).toContain('service redis is missing');
    const single = compose.replace(/replicas: 2/, 'replicas: 1');
    expect(single).not.toEqual(compose);
    expect(check(single)).toContain('gateway: not scaled (deploy.replicas >= 2)');
    const noRedisUrl = compose.replace(/^ {6}REDIS_URL: .*\n/m, '');
    expect(noRedisUrl).not.toEqual(compose);
    expect(check(noRedisUrl)).toContain('gateway: REDIS_URL is not the redis service (undefined)');
    const published = compose.replace(/(\n {6}TRUST_PROXY: "1"\n)/, '$1    ports: ["3000:3000"]\n');
    expect(published).not.toEqual(compose);
    expect(check(published)).toContain('gateway: publishes a port itself (its replicas are reached through the load balancer)');
    const unpinned = compose.replace(/image: redis:[^\n]+/, 'image: redis:latest');
    expect(check(unpinned)).toContain('redis: image "redis:latest" is not a pinned redis version (e.g. redis:7.4.2-alpine)');
  });

  it('fail without a load balancer in front of the gateways', () => {
    const withoutLb = compose.replace(/server gateway:3000 resolve;/, 'server elsewhere:3000;');
    expect(withoutLb).not.toEqual(compose);
    expect(check(withoutLb)).toContain('no load balancer in front of the gateways publishes port 3000 (a service proxying to gateway:3000)');
  });

  it('fail on a single-stage image running as root on an old Node.js', () => {
    const problems = check(compose, 'FROM node:20-bookworm-slim\nRUN npm ci\nCMD ["node", "dist/apps/${SERVICE}/main.js"]\n');
    expect(problems).toEqual(
      expect.arrayContaining([
        'Dockerfile: not multi-stage (a build stage, then a runtime stage)',
        'Dockerfile: the runtime stage runs as root',
        'Dockerfile: node:20-bookworm-slim is not a maintained Node.js LTS',
      ]),
    );
  });

  it('find no TypeScript loader in the built services', () => {
    for (const app of ['gateway', 'key-service', 'permissions-service', 'status-page-api']) {
      expect(readFileSync(join(root, 'dist', 'apps', app, 'main.js'), 'utf8')).not.toMatch(/@swc-node\/register|ts-node|\btsx\b/);
    }
  });
});
