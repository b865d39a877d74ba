import type { BusConfig } from '@zenrelay/runtime';
import { createLogger, createRedis, describeTarget, isCluster, redisTlsProblem, targetVariables } from '@zenrelay/runtime';
import { busNames, RpcError } from '@zenrelay/protocol';
import { RpcPeer } from '@zenrelay/sdk';
import { formatStatus, StatusView } from './format';

/**
 * `zen status`: asks the bot for its `status` over the bus and prints it.
 * Exit codes: 0 the bot answered, 1 no bot answered in time, 5 Redis
 * unreachable (2, bad settings, is the caller's).
 */
import { STATUS_EXIT } from './exitCodes';

export { STATUS_EXIT };

export interface StatusRun {
  bus: BusConfig;
  timeoutMs: number;
  json: boolean;
  out(text: string): void;
  err(text: string): void;
}

export async function runStatus(run: StatusRun): Promise<number> {
  const names = busNames(run.bus.namespace, { hashTags: isCluster(run.bus.redis) });
  const target = describeTarget(run.bus.redis);
  const variables = targetVariables(run.bus.redis);
  const where = `${run.bus.namespace === '' ? 'the default namespace' : `namespace ${run.bus.namespace}`} at ${target}`;
  const options = { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false, connectionName: 'zen-status' };
  const sub = createRedis(run.bus.redis, options);
  const pub = createRedis(run.bus.redis, options);
  let lastError = '';
  let tls: ReturnType<typeof redisTlsProblem>;
  for (const c of [sub, pub]) {
    c.on('error', (e: Error) => {
      lastError = e.message;
      tls = redisTlsProblem(e, run.bus.redis) ?? tls;
    });
  }
  try {
    try {
      await Promise.all([sub.connect(), pub.connect()]);
    } catch (err) {
      if (tls) run.err(`zen status: cannot reach Redis: ${tls.message}; ${tls.hint}\n`);
      else run.err(`zen status: cannot reach Redis at ${target}: ${lastError || (err as Error).message}; start redis-server or set ${variables}\n`);
      return STATUS_EXIT.redis;
    }
    const peer = new RpcPeer(sub, pub, names, createLogger('silent', 'zen-status'));
    sub.on('message', (channel: string, message: string) => peer.onMessage(channel, message));
    let status: unknown;
    try {
      status = await peer.request('status', {}, { timeout: run.timeoutMs });
    } catch (err) {
      if (err instanceof RpcError && (err.code === 'timeout' || err.code === 'no_handler')) {
        const why = err.code === 'no_handler' ? 'no bot is listening' : `no answer within ${run.timeoutMs / 1000} s`;
        run.err(`zen status: no bot answered on ${where} (${why}); is \`zen bot\` running with the same ${variables} and ZEN_NAMESPACE?\n`);
        return STATUS_EXIT.noBot;
      }
      run.err(`zen status: ${(err as Error).message}\n`);
      return STATUS_EXIT.redis;
    }
    run.out(run.json ? `${JSON.stringify(status)}\n` : formatStatus(status as StatusView, run.bus.namespace));
    return STATUS_EXIT.ok;
  } finally {
    sub.disconnect();
    pub.disconnect();
  }
}
