/**
 * The bot's HTTP endpoint (HTTP_PORT, HTTP_HOST): `GET /healthz` (200 when
 * ready, 503 with reasons otherwise) and `GET /metrics` (Prometheus text).
 * Nothing else is served; it never accepts input, so it is safe to expose to
 * a monitoring network. Started by `zen bot` and `zen up`, closed on shutdown.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { BridgeStatus } from '../bridge';
import type { Logger } from '@zenrelay/runtime';
import { healthReport } from './health';
import { ensureDefaultMetrics, metricsText } from './metricsText';

export interface HttpEndpointOptions {
  host: string;
  /** 0 picks a free port (tests); see `port` on the result. */
  port: number;
  /** Current state of the bridge (Bridge.status). */
  status: () => BridgeStatus;
  registry: Registry;
  logger: Logger;
}

export interface HttpEndpoint {
  readonly host: string;
  readonly port: number;
  /** Stops listening and closes open connections. */
  close(): Promise<void>;
}

/** Starts listening; rejects with a message saying what to change when the port cannot be bound. */
export async function startHttpEndpoint(options: HttpEndpointOptions): Promise<HttpEndpoint> {
  ensureDefaultMetrics(options.registry);
  const server = createServer((req, res) => {
    handle(req, res, options).catch((err: Error) => {
      options.logger.error({ err: err.message, path: req.url }, 'HTTP request failed');
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error\n');
      else res.destroy();
    });
  });
  await listen(server, options.host, options.port);
  const port = (server.address() as AddressInfo).port;
  options.logger.info({ host: options.host, port }, 'HTTP endpoint listening (/healthz, /metrics)');
  return {
    host: options.host,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      const hint =
        err.code === 'EADDRINUSE' ? `port ${port} is already in use; set HTTP_PORT to a free port` :
        err.code === 'EACCES' ? `no permission to listen on port ${port}; use a port above 1024` :
        err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND' ? `HTTP_HOST ${JSON.stringify(host)} is not an address of this machine` :
        err.message;
      reject(new Error(`cannot start the HTTP endpoint on ${host}:${port}: ${hint}`));
    });
    server.listen({ host, port }, () => resolve());
  });
}

async function handle(req: IncomingMessage, res: ServerResponse, options: HttpEndpointOptions): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return send(res, 405, 'text/plain; charset=utf-8', 'only GET and HEAD\n');
  }
  if (path === '/healthz') {
    const report = healthReport(options.status());
    return send(res, report.status === 'ok' ? 200 : 503, 'application/json; charset=utf-8', `${JSON.stringify(report)}\n`);
  }
  if (path === '/metrics') {
    const { contentType, body } = await metricsText(options.registry);
    return send(res, 200, contentType, body);
  }
  send(res, 404, 'text/plain; charset=utf-8', 'not found; try /healthz or /metrics\n');
}

function send(res: ServerResponse, code: number, contentType: string, body: string): void {
  res.writeHead(code, { 'Content-Type': contentType, 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(body) });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
