/**
 * `GET /metrics`: the bridge's own registry (events, lines, queue, reconnects,
 * rejections, …) plus Node's default process metrics (CPU, memory, event-loop
 * lag, GC), in Prometheus text format. Default metrics are added to a
 * registry once, however many endpoints serve it.
 */
import { collectDefaultMetrics, type Registry } from 'prom-client';

const withDefaults = new WeakSet<Registry>();

/** Adds the default process metrics to `registry` unless already done. */
export function ensureDefaultMetrics(registry: Registry): void {
  if (withDefaults.has(registry)) return;
  withDefaults.add(registry);
  collectDefaultMetrics({ register: registry });
}

export interface MetricsText {
  contentType: string;
  body: string;
}

/** The registry as Prometheus text, with the content type to send it with. */
export async function metricsText(registry: Registry): Promise<MetricsText> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}
