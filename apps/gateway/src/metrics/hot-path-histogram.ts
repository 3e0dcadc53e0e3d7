import { Histogram, type Registry } from 'prom-client';

/** What Histogram#get resolves to, as typed by prom-client. */
type Exported = Awaited<ReturnType<Histogram<never>['get']>>;

/**
 * What prom-client's registry formats for one metric, as it is at run time (its typings declare
 * `type` as a numeric enum and a `collect` member; the registry reads neither).
 */
interface Exposition {
  name: string;
  help: string;
  type: 'histogram';
  aggregator: 'sum';
  values: { metricName: string; labels: Record<string, string | number>; value: number; exemplar?: null }[];
}

export interface HotPathHistogramConfig {
  name: string;
  help: string;
  /** Upper bounds of the buckets, ascending (the +Inf bucket is implicit). */
  buckets: readonly number[];
  registers: Registry[];
}

/**
 * A prom-client Histogram without labels whose `observe` is a bucket search and three number
 * increments, for a value recorded on every request.
 *
 * prom-client's own `observe` builds a label object, hashes it and turns the bucket's bound (a
 * float) into a property key on every call: about 0.2 us in a loop and several times that inside a
 * loaded request, which the gateway measured on its decision path (BENCHMARKS.md). Here the counts
 * live in typed arrays and become prom-client's export shape when the registry is scraped, so the
 * exposition (`/metrics`, `getMetricsAsJSON`) is prom-client's, unchanged.
 */
export class HotPathHistogram extends Histogram<never> {
  readonly name: string;
  readonly help: string;
  private readonly bounds: Float64Array;
  /** Per bucket (not cumulative); the last one is +Inf. */
  private readonly counts: Float64Array;
  private sum = 0;
  private count = 0;

  constructor(config: HotPathHistogramConfig) {
    const buckets = [...config.buckets];
    if (buckets.length === 0 || buckets.some((b, i) => !Number.isFinite(b) || (i > 0 && b <= buckets[i - 1]))) {
      throw new Error(`${config.name}: buckets must be finite and strictly ascending`);
    }
    super({ name: config.name, help: config.help, buckets, registers: config.registers });
    this.name = config.name;
    this.help = config.help;
    this.bounds = Float64Array.from(buckets);
    this.counts = new Float64Array(buckets.length + 1);
    // prom-client's constructor sets `observe` on the instance itself, which would shadow a method.
    this.observe = this.record;
  }

  /** Records one value. The histogram has no labels: `observe({}, value)` is accepted, any label refused. */
  private record(valueOrLabels: number | object, maybeValue?: number): void {
    const value = typeof valueOrLabels === 'number' ? valueOrLabels : labelFree(this.name, valueOrLabels, maybeValue);
    if (!Number.isFinite(value)) throw new TypeError(`${this.name}: not a finite number: ${value}`);
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]) i++;
    this.counts[i]++;
    this.sum += value;
    this.count++;
  }

  override reset(): void {
    super.reset();
    if (this.counts === undefined) return; // called by prom-client's constructor, before ours ran
    this.counts.fill(0);
    this.sum = 0;
    this.count = 0;
  }

  override async get(): Promise<Exported> {
    return this.getForPromString() as unknown as Exported;
  }

  /** What the registry formats (prom-client calls this when a metric has it). */
  getForPromString(): Exposition {
    const name = this.name;
    const values: Exposition['values'] = [];
    let cumulative = 0;
    for (let i = 0; i < this.bounds.length; i++) {
      cumulative += this.counts[i];
      values.push({ metricName: `${name}_bucket`, labels: { le: this.bounds[i] }, value: cumulative, exemplar: null });
    }
    values.push({ metricName: `${name}_bucket`, labels: { le: '+Inf' }, value: this.count, exemplar: null });
    values.push({ metricName: `${name}_sum`, labels: {}, value: this.sum });
    values.push({ metricName: `${name}_count`, labels: {}, value: this.count });
    return { name, help: this.help, type: 'histogram', aggregator: 'sum', values };
  }
}

function labelFree(name: string, labels: object, value: number | undefined): number {
  if (Object.keys(labels).length > 0 || value === undefined) throw new TypeError(`${name} has no labels`);
  return value;
}
