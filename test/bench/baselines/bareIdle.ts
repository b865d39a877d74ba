/**
 * Baseline for idle memory: what a relay needs at the least, an irc-framework
 * client in its channels and two ioredis connections (one subscribed), with
 * nothing happening.
 */
import { Redis } from 'ioredis';
import { connectIrc, parseArgs, print } from './common';

void (async () => {
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  await connectIrc(parseArgs());
  const pub = new Redis(redisUrl);
  const sub = new Redis(redisUrl);
  await sub.subscribe('bench:idle');
  await pub.ping();
  print({ ready: true });
})();
