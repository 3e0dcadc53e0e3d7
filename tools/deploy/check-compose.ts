/**
 * `npm run check:deploy [docker-compose.yml] [Dockerfile]`: the static checks of compose.spec.ts on
 * any pair of files; prints each problem and exits 1 when there is one.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEVELOPMENT_SECRETS } from '@sp/platform';
import { checkDeployment } from './compose-check';

const root = join(__dirname, '..', '..');
const [composePath = join(root, 'docker-compose.yml'), dockerfilePath = join(root, 'Dockerfile')] = process.argv.slice(2);
const problems = checkDeployment({
  compose: readFileSync(composePath, 'utf8'),
  dockerfile: readFileSync(dockerfilePath, 'utf8'),
  root,
  secrets: DEVELOPMENT_SECRETS,
});
for (const p of problems) console.error(`${composePath}: ${p}`);
if (problems.length === 0) console.log(`${composePath} and ${dockerfilePath}: ok`);
process.exit(problems.length === 0 ? 0 : 1);
