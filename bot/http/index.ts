/**
 * The HTTP endpoint for one bridge, as configured by HTTP_PORT / HTTP_HOST:
 * started when HTTP_PORT is set, nothing otherwise.
 */
import type { Bridge } from '../bridge';
import type { BotConfig } from '../config';
import type { Logger } from '@zenrelay/runtime';
import type { HttpEndpoint } from './server';

export type { HttpEndpoint } from './server';
export { healthReport, type HealthReport } from './health';

/** Starts `/healthz` and `/metrics` for `bridge` if HTTP_PORT is set; undefined otherwise. */
export async function startBridgeHttp(config: Pick<BotConfig, 'httpPort' | 'httpHost'>, bridge: Bridge, logger: Logger): Promise<HttpEndpoint | undefined> {
  if (config.httpPort === undefined) return undefined;
  // Loaded only when asked for: node:http and prom-client's default metrics stay out of a bot without HTTP_PORT.
  const { startHttpEndpoint } = require('./server') as typeof import('./server');
  return startHttpEndpoint({
    host: config.httpHost,
    port: config.httpPort,
    status: () => bridge.status(),
    registry: bridge.metrics.registry,
    logger,
  });
}
