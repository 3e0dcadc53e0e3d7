import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { waitUntil } from './wait-until';

const ROOT = join(__dirname, '..', '..', '..');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/**
 * A second, short-lived Apache Kafka broker (the local stack's jars) whose client listener takes
 * SASL/PLAIN only and whose StandardAuthorizer denies what no ACL allows: the production shape in
 * which only key-service may write the access topic. `users` are username -> password; "admin" is a
 * super user (it creates topics and ACLs).
 */
export class SecuredKafka {
  private child: ChildProcess | null = null;
  private dir = '';
  port = 0;

  constructor(private readonly users: Record<string, string>) {}

  get brokers(): string[] {
    return [`127.0.0.1:${this.port}`];
  }

  async start(timeoutMs = 90_000): Promise<this> {
    const libs = join(process.env.STACK_ROOT ?? join(ROOT, '.stack'), 'kafka', 'libs', '*');
    this.port = await freePort();
    const controller = await freePort();
    this.dir = mkdtempSync(join(tmpdir(), 'secured-kafka-'));
    const jaasUsers = Object.entries({ admin: 'admin-secret', ...this.users })
      .map(([u, p]) => `user_${u}="${p}"`)
      .join(' ');
    writeFileSync(
      join(this.dir, 'server.properties'),
      [
        'process.roles=broker,controller',
        'node.id=1',
        `controller.quorum.voters=1@127.0.0.1:${controller}`,
        `listeners=SASL_PLAINTEXT://127.0.0.1:${this.port},CONTROLLER://127.0.0.1:${controller}`,
        `advertised.listeners=SASL_PLAINTEXT://127.0.0.1:${this.port}`,
        'controller.listener.names=CONTROLLER',
        'inter.broker.listener.name=SASL_PLAINTEXT',
        'listener.security.protocol.map=SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT',
        'sasl.enabled.mechanisms=PLAIN',
        'sasl.mechanism.inter.broker.protocol=PLAIN',
        `listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="admin-secret" ${jaasUsers};`,
        'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer',
        // The controller listener is plaintext, so the broker's own controller connection is ANONYMOUS.
        'super.users=User:admin;User:ANONYMOUS',
        'allow.everyone.if.no.acl.found=false',
        `log.dirs=${join(this.dir, 'data')}`,
        'num.partitions=1',
        'auto.create.topics.enable=false',
        'offsets.topic.replication.factor=1',
        'offsets.topic.num.partitions=1',
        'transaction.state.log.replication.factor=1',
        'transaction.state.log.min.isr=1',
        'group.initial.rebalance.delay.ms=0',
      ].join('\n'),
    );
    writeFileSync(join(this.dir, 'log4j.properties'), `log4j.rootLogger=WARN, file\nlog4j.appender.file=org.apache.log4j.FileAppender\nlog4j.appender.file.File=${join(this.dir, 'kafka.log')}\nlog4j.appender.file.layout=org.apache.log4j.PatternLayout\nlog4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n\n`);
    const jvm = ['-Xms128m', '-Xmx384m', '-Djava.awt.headless=true', `-Dlog4j.configuration=file:${join(this.dir, 'log4j.properties')}`, '-cp', libs];
    const format = spawnSync('java', [...jvm, 'kafka.tools.StorageTool', 'format', '-t', 'c2VjdXJlZC1rYWZrYS0x', '-c', join(this.dir, 'server.properties')], { encoding: 'utf8' });
    if (format.status !== 0) throw new Error(`formatting the secured broker's storage failed: ${format.stderr || format.stdout}`);
    this.child = spawn('java', [...jvm, 'kafka.Kafka', join(this.dir, 'server.properties')], { stdio: 'ignore' });
    await waitUntil(async () => {
      if (this.child?.exitCode !== null) throw new Error(`the secured broker exited (${join(this.dir, 'kafka.log')})`);
      const admin = this.client('admin', 'admin-secret').admin();
      try {
        await admin.connect();
        await admin.listTopics();
        return true;
      } catch {
        return false;
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    }, timeoutMs, 500);
    return this;
  }

  /** A kafkajs client authenticated as this user. */
  client(username: string, password: string): Kafka {
    return new Kafka({ brokers: this.brokers, clientId: `secured-${username}`, logLevel: logLevel.NOTHING, sasl: { mechanism: 'plain', username, password }, retry: { retries: 2 } });
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}
