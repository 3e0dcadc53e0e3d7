import { GatewayMetrics } from './gateway.metrics';

describe('GatewayMetrics.decisions', () => {
  it('reports the running decision tallies at scrape time, by outcome', async () => {
    const metrics = new GatewayMetrics();
    const allow = metrics.decisionTally('allow');
    allow.n += 3;
    metrics.decisionTally('key_revoked').n++;
    expect(metrics.decisionTally('allow')).toBe(allow);
    let text = await metrics.registry.metrics();
    expect(text).toMatch(/gateway_decisions_total\{outcome="allow"\} 3\n/);
    expect(text).toMatch(/gateway_decisions_total\{outcome="key_revoked"\} 1\n/);
    allow.n++;
    text = await metrics.registry.metrics();
    // Counts stay cumulative across scrapes (not added twice).
    expect(text).toMatch(/gateway_decisions_total\{outcome="allow"\} 4\n/);
    expect(text).toMatch(/gateway_decisions_total\{outcome="key_revoked"\} 1\n/);
  });
});
