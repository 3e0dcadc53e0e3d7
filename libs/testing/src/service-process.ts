import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { waitUntil } from './wait-until';

const ROOT = join(__dirname, '..', '..', '..');

/**
 * A service of apps/ run as a real child process from its build (dist/apps/<app>/main.js, the way
 * npm start and the image run it), for end-to-end and crash tests. Output is kept for diagnostics.
 */
export class ServiceProcess {
  private child: ChildProcess | null = null;
  output = '';

  /**
   * `cpus`: pin the process to these CPUs with taskset (benchmarks), e.g. "1". `nodeArgs`: extra
   * node flags, e.g. `--cpu-prof` (not allowed in NODE_OPTIONS).
   */
  constructor(
    readonly app: string,
    readonly port: number,
    private readonly env: Record<string, string>,
    private readonly cpus?: string,
    private readonly nodeArgs: string[] = [],
  ) {}

  /** Whether the process is running (it has not exited or been killed since start). */
  get alive(): boolean {
    return this.child !== null && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The service's process id while it runs (taskset execs node, so it is node's). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(readyTimeoutMs = 60_000): Promise<this> {
    this.output = '';
    const main = join('dist', 'apps', this.app, 'main.js');
    if (!existsSync(join(ROOT, main))) throw new Error(`${main} is missing: build first (npx nx run-many -t build; npm test does)`);
    const args = [...this.nodeArgs, main];
    const [command, argv] = this.cpus ? ['taskset', ['-c', this.cpus, process.execPath, ...args]] : [process.execPath, args];
    this.child = spawn(command, argv, {
      cwd: ROOT,
      env: { ...process.env, LOG_LEVEL: 'warn', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (b: Buffer) => {
      this.output = (this.output + b.toString()).slice(-200_000);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    const child = this.child;
    await waitUntil(async () => {
      if (child.exitCode !== null) throw new Error(`${this.app} exited with ${child.exitCode}:\n${this.output}`);
      const res = await fetch(`${this.url}/health/ready`).catch(() => null);
      return res?.status === 200;
    }, readyTimeoutMs, 200).catch((err: Error) => {
      throw new Error(`${this.app} not ready: ${err.message}\n${this.output.slice(-3000)}`);
    });
    return this;
  }

  /** SIGKILL: a crash, no shutdown hooks. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  async stop(): Promise<void> {
    await this.signal('SIGTERM');
  }

  private async signal(sig: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(sig);
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    this.child = null;
  }
}
