/**
 * The running part of `zen tail`: subscribe to the chosen channels and write
 * one line per payload. Redis going away is reported on stderr and retried
 * for ever (ioredis resubscribes), so the tail can stay open while the bot
 * and Redis come and go. Status goes to stderr, so stdout is only payloads.
 */
import type { BusConfig } from '@zenrelay/runtime';
import { createRedis, describeTarget, isCluster, redisTlsProblem, subscribeKept } from '@zenrelay/runtime';
import { busNames } from '@zenrelay/protocol';
import { matches, TailFilter } from './filter';
import { formatPayload, jsonLine, TailSource } from './format';
import { createStyle } from './style';

export interface TailOptions {
  bus: BusConfig;
  sources: TailSource[];
  filter: TailFilter;
  json: boolean;
  color: boolean;
  out(text: string): void;
  err(text: string): void;
}

export interface RunningTail {
  stop(): Promise<void>;
}

export async function runTail(options: TailOptions): Promise<RunningTail> {
  const names = busNames(options.bus.namespace, { hashTags: isCluster(options.bus.redis) });
  const channelNames: Record<TailSource, string> = { in: names.in, out: names.out, errors: names.errors };
  const sourceOf = new Map(options.sources.map((s) => [channelNames[s], s] as const));
  const style = createStyle(options.color);
  const url = describeTarget(options.bus.redis);

  const sub = createRedis(options.bus.redis, { connectionName: 'zen-tail', maxRetriesPerRequest: null });
  let down = false;
  sub.on('error', (err: Error) => {
    const tls = redisTlsProblem(err, options.bus.redis);
    if (!down) options.err(tls ? `zen tail: ${tls.message}; ${tls.hint}; retrying\n` : `zen tail: Redis at ${url}: ${err.message}; retrying\n`);
    down = true;
  });
  sub.on('ready', () => {
    if (down) options.err(`zen tail: Redis at ${url} is back\n`);
    down = false;
  });
  sub.on('message', (channel: string, payload: string) => {
    const source = sourceOf.get(channel);
    if (!source) return;
    let value: unknown;
    try {
      value = JSON.parse(payload);
    } catch {
      value = undefined;
    }
    if (!matches(options.filter, value)) return;
    options.out(`${options.json ? jsonLine(source, channel, payload) : formatPayload(source, payload, style)}\n`);
  });

  sub.connect().catch(() => undefined); // failures are reported by the error handler and retried
  await subscribeKept(sub, [...sourceOf.keys()]);
  options.err(`zen tail: watching ${[...sourceOf.keys()].join(', ')} on ${url} (Ctrl-C to stop)\n`);

  return {
    async stop() {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, 1000)));
      await Promise.race([sub.quit().then(() => undefined, () => undefined), timeout]);
      clearTimeout(timer);
      sub.disconnect();
    },
  };
}
