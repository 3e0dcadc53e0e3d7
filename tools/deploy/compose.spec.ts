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
