import * as promClient from 'prom-client';
import { Counter, Gauge, Histogram, Registry } from './promMetrics';

describe('promMetrics', () => {
  it("are prom-client's own classes (metrics made with them work with its index's functions)", () => {
    expect(Registry).toBe(promClient.Registry);
    expect(Counter).toBe(promClient.Counter);
    expect(Gauge).toBe(promClient.Gauge);
    expect(Histogram).toBe(promClient.Histogram);
  });

  it('count and render as usual', async () => {
    const registry = new Registry();
    const c = new Counter({ name: 'x_total', help: 'x', labelNames: ['k'], registers: [registry] });
    c.inc({ k: 'a' }, 2);
    promClient.collectDefaultMetrics({ register: registry });
    const text = await registry.metrics();
    expect(text).toMatch(/^x_total\{k="a"\} 2$/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
  });
});
