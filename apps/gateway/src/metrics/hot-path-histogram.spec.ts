import fc from 'fast-check';
import { Histogram, Registry } from 'prom-client';
import { HotPathHistogram } from './hot-path-histogram';

const BUCKETS = [0.000005, 0.00001, 0.000025, 0.0001, 0.001, 0.05, 2.5];

function pair() {
  const fast = new Registry();
  const reference = new Registry();
  const config = { name: 'x_seconds', help: 'x', buckets: BUCKETS };
  return {
    hot: new HotPathHistogram({ ...config, registers: [fast] }),
    ref: new Histogram({ ...config, registers: [reference] }),
    fast,
    reference,
  };
}

describe('HotPathHistogram', () => {
  it("exposes exactly what prom-client's Histogram exposes for the same observations", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.double({ min: 0, max: 10, noNaN: true }), fc.constantFrom(...BUCKETS, 0)), { maxLength: 200 }),
        async (values) => {
          const { hot, ref, fast, reference } = pair();
          for (const v of values) {
            hot.observe(v);
            ref.observe(v);
          }
          expect(await fast.metrics()).toBe(await reference.metrics());
          expect(await fast.getMetricsAsJSON()).toEqual(await reference.getMetricsAsJSON());
        },
      ),
      { numRuns: 300 },
    );
  });

  it('resets with the registry, accepts an empty label set, refuses labels and non-finite values', async () => {
    const { hot, ref, fast, reference } = pair();
    hot.observe({}, 0.00002);
    ref.observe({}, 0.00002);
    expect(await fast.metrics()).toBe(await reference.metrics());
    fast.resetMetrics();
    reference.resetMetrics();
    expect(await fast.metrics()).toContain('x_seconds_count 0');
    expect(() => hot.observe({ route: 'a' } as never, 1)).toThrow(TypeError);
    expect(() => hot.observe(Number.NaN)).toThrow(TypeError);
    expect(() => hot.observe(Number.POSITIVE_INFINITY)).toThrow(TypeError);
  });

  it('refuses buckets that are not strictly ascending', () => {
    expect(() => new HotPathHistogram({ name: 'y', help: 'y', buckets: [1, 1], registers: [] })).toThrow(/ascending/);
    expect(() => new HotPathHistogram({ name: 'y', help: 'y', buckets: [], registers: [] })).toThrow(/ascending/);
  });
});
