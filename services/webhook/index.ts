import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadBusConfig, noticeWaitReplicas, noticeWaitTimeout, read, RedisConnectionLog } from '@zenrelay/runtime';
import { NoticeClient } from '../../clients/notices';
import type { RunningService, ServiceContext } from '../service';
import { loadWebhookConfig, type WebhookConfig } from './config';
import { ClientRateLimiter } from './rateLimiter';
import { webhookHandler } from './server';

/**
 * The webhook service (`zen service webhook`): an HTTP endpoint that turns
 * requests from tools that cannot reach Redis (CI, GitHub, Alertmanager,
 * curl) into durable notices. See docs/notices.md.
 */

/** How long start waits for the first Redis connection before listening anyway. */
const REDIS_WAIT_MS = 5000;

export interface RunningWebhook extends RunningService {
  /** The port actually listened on (useful with WEBHOOK_PORT=0). */
  readonly port: number;
  readonly config: WebhookConfig;
}

export async function startWebhook(context: ServiceContext): Promise<RunningWebhook> {
  const config = loadWebhookConfig(context.env);
  const log = context.logger;
  if (config.token === undefined) log.warn('WEBHOOK_ALLOW_NO_TOKEN is set: anyone who can reach the port can post to IRC');
  const redis = loadBusConfig({ ...context.env, REDIS_URL: context.redisUrl }).redis;
  const notices = new NoticeClient({
    redis,
    namespace: context.namespace,
    fateTtlSeconds: config.fateTtlSeconds,
    waitReplicas: read(context.env, noticeWaitReplicas),
    waitTimeoutMs: read(context.env, noticeWaitTimeout),
    // Fail a request at once while Redis is away (503) instead of holding it.
    connection: { enableOfflineQueue: false, maxRetriesPerRequest: 1, retryStrategy: (times) => Math.min(times * 200, 2000) },
  });
  // Like every program: one "waiting for Redis" line, the cause once, summarised retries.
  const redisLog = new RedisConnectionLog(log, redis);
  redisLog.watch(notices.redis);
  // Give Redis a moment so the first requests do not get 503; if it is down, start anyway and keep retrying.
  const connected = await Promise.race([
    notices.connect().then(
      () => true,
      () => false,
    ),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), REDIS_WAIT_MS).unref()),
  ]);
  if (!connected) {
    redisLog.waiting();
    log.info('the webhook listens meanwhile; requests get 503 until Redis is there');
  }
  const limiter = new ClientRateLimiter(config.ratePerMinute, config.burst);
  const server: Server = createServer(webhookHandler({ config, notices, limiter, log }));
  server.requestTimeout = 30_000;
  server.headersTimeout = 15_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch(async (err: Error) => {
    await notices.close();
    throw new Error(`webhook cannot listen on ${config.host}:${config.port}: ${err.message}; set WEBHOOK_PORT / WEBHOOK_HOST`);
  });
  const port = (server.address() as AddressInfo).port;
  log.info({ host: config.host, port, auth: config.token !== undefined }, 'webhook listening');
  return {
    name: 'webhook',
    port,
    config,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await notices.close();
    },
  };
}
