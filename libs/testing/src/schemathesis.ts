import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

/** Pinned: a new schemathesis may add checks or change generation; upgrade on purpose. */
export const SCHEMATHESIS_VERSION = '4.32.5';

/** The checks every service's document is held to. */
export const CONFORMANCE_CHECKS = ['not_a_server_error', 'status_code_conformance', 'response_schema_conformance', 'content_type_conformance'];

/**
 * The `st` executable of a venv under the stack directory (STACK_ROOT, else .stack/), created with
 * pip once and reused by later runs. Call it from beforeAll with a generous timeout: the first
 * install downloads from PyPI.
 */
export function ensureSchemathesis(): string {
  const venv = join(process.env.STACK_ROOT ?? join(ROOT, '.stack'), `schemathesis-${SCHEMATHESIS_VERSION}`);
  const st = join(venv, 'bin', 'st');
  if (existsSync(st)) return st;
  mkdirSync(venv, { recursive: true });
  execFileSync('python3', ['-m', 'venv', venv], { stdio: 'ignore' });
  execFileSync(join(venv, 'bin', 'pip'), ['install', '--quiet', `schemathesis==${SCHEMATHESIS_VERSION}`], { stdio: 'inherit', timeout: 600_000 });
  return st;
}

export interface SchemathesisRun {
  /** Exit code: 0 when every check passed on every case. */
  code: number;
  output: string;
  /** Test cases generated and run (schemathesis' own count, "N generated"). */
  generated: number;
  /** Operations tested, from the JUnit report. */
  operations: number;
  /** Operations with a failure (JUnit failures + errors). */
  failures: number;
}

/**
 * Runs schemathesis against a service's OpenAPI document, bounded by `maxExamples` per operation
 * and `maxTimeS` for the whole run, with CONFORMANCE_CHECKS.
 */
export function runSchemathesis(options: {
  st: string;
  schemaUrl: string;
  baseUrl: string;
  headers?: Record<string, string>;
  maxExamples?: number;
  maxTimeS?: number;
  reportDir: string;
}): Promise<SchemathesisRun> {
  mkdirSync(options.reportDir, { recursive: true });
  const junit = join(options.reportDir, 'junit.xml');
  const args = [
    'run', options.schemaUrl,
    '--url', options.baseUrl,
    '--checks', CONFORMANCE_CHECKS.join(','),
    '--max-examples', String(options.maxExamples ?? 25),
    '--max-time', String(options.maxTimeS ?? 90),
    '--seed', '1',
    '--workers', '1',
    '--request-timeout', '10',
    '--continue-on-failure',
    '--no-color',
    '--report', 'junit',
    '--report-junit-path', junit,
    ...Object.entries(options.headers ?? {}).flatMap(([name, value]) => ['--header', `${name}: ${value}`]),
  ];
  return new Promise((resolve) => {
    execFile(options.st, args, { maxBuffer: 64 * 1024 * 1024, env: { ...process.env, SCHEMATHESIS_TELEMETRY: 'false' } }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      const xml = existsSync(junit) ? readFileSync(junit, 'utf8') : '';
      const count = (attr: string) => [...xml.matchAll(new RegExp(`<testsuite\\b[^>]*\\b${attr}="(\\d+)"`, 'g'))].reduce((n, m) => n + Number(m[1]), 0);
      const output = `${stdout}${stderr}`;
      // The whole console report, for the figures (cases generated, warnings) of a passing run too.
      writeFileSync(join(options.reportDir, 'output.txt'), output);
      const generated = Number(/(\d+) generated/.exec(output)?.[1] ?? 0);
      resolve({ code, output, generated, operations: count('tests'), failures: count('failures') + count('errors') });
    });
  });
}

/**
 * The conformance check every service's test makes: schemathesis on `service`'s /docs-json (sent to
 * `baseUrl`, the service itself unless given), reports under STACK_ROOT/schemathesis/<app>; fails
 * with schemathesis' report and the service's log on any failure, and when it generated no case.
 */
export async function expectConformance(
  st: string,
  service: { app: string; url: string; output: string },
  options: { baseUrl?: string; headers?: Record<string, string> } = {},
): Promise<SchemathesisRun> {
  const run = await runSchemathesis({
    st,
    schemaUrl: `${service.url}/docs-json`,
    baseUrl: options.baseUrl ?? service.url,
    headers: options.headers,
    reportDir: join(process.env.STACK_ROOT ?? '.stack', 'schemathesis', service.app),
  });
  if (run.code !== 0) throw new Error(`schemathesis failed:\n${run.output.slice(-15_000)}\n${service.output.split('\n').filter((l) => !l.includes('kafkajs')).join('\n').slice(-5000)}`);
  if (run.failures !== 0) throw new Error(`schemathesis: ${run.failures} operations failed`);
  if (run.generated === 0) throw new Error('schemathesis generated no test case');
  return run;
}
