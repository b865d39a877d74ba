/**
 * Baseline: the raw Redis pub/sub hop. Subscribes to `bench:ping` and
 * publishes every message back on `bench:pong`, as a service would reply.
 */
import { Redis } from 'ioredis';
import { print } from './common';

void (async () => {
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const pub = new Redis(redisUrl);
  const sub = new Redis(redisUrl);
  sub.on('message', (_channel: string, message: string) => {
    pub.publish('bench:pong', message).catch(() => undefined);
  });
  await sub.subscribe('bench:ping');
  await pub.ping();
  print({ ready: true });
})();
