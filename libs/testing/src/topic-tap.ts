import { randomUUID } from 'node:crypto';
import { Consumer, IHeaders, Kafka, logLevel } from 'kafkajs';

export interface TappedMessage {
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
  json<T = unknown>(): T;
}

/**
 * Test helper: records every message of a topic (from its current end, or from the beginning) on
 * the real broker, and waits for messages matching a predicate.
 */
export class TopicTap {
  readonly messages: TappedMessage[] = [];
  private consumer: Consumer | null = null;
  private listeners: (() => void)[] = [];

  constructor(private readonly brokers: string[], private readonly topic: string) {}

  async start(fromBeginning = false): Promise<this> {
    const kafka = new Kafka({ brokers: this.brokers, clientId: 'topic-tap', logLevel: logLevel.NOTHING });
    this.consumer = kafka.consumer({ groupId: `test-tap.${randomUUID()}`, maxWaitTimeInMs: 50 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning });
    const joined = new Promise<void>((resolve) => this.consumer!.on(this.consumer!.events.GROUP_JOIN, () => resolve()));
    await this.consumer.run({
      eachMessage: async ({ partition, message }) => {
        const value = message.value?.toString('utf8') ?? null;
        this.messages.push({
          partition,
          offset: message.offset,
          key: message.key?.toString('utf8') ?? null,
          value,
          headers: decodeHeaders(message.headers),
          json: <T>() => JSON.parse(value ?? 'null') as T,
        });
        for (const l of this.listeners) l();
      },
    });
    await joined;
    return this;
  }

  /** Resolves with the matching messages once `count` of them arrived, or rejects after timeoutMs. */
  waitFor(predicate: (m: TappedMessage) => boolean, count = 1, timeoutMs = 20_000): Promise<TappedMessage[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.messages.filter(predicate);
        if (found.length >= count) {
          this.listeners = this.listeners.filter((l) => l !== check);
          clearTimeout(timer);
          resolve(found);
        }
      };
      const timer = setTimeout(() => {
        this.listeners = this.listeners.filter((l) => l !== check);
        reject(new Error(`timed out waiting for ${count} message(s) on ${this.topic}; saw ${this.messages.length}`));
      }, timeoutMs);
      this.listeners.push(check);
      check();
    });
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}

function decodeHeaders(headers: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (v !== undefined) out[k] = Array.isArray(v) ? v.map(String).join(',') : v.toString();
  }
  return out;
}
