/**
 * Baseline: a plain ioredis service, the ~10 lines a ZenIRCBot user writes
 * without any SDK. Answers `!woot` on `<ns>:in` with `Indeed!` on `<ns>:out`.
 * Args: the namespace (empty for ZenIRCBot's bare `in` / `out`).
 */
import { Redis } from 'ioredis';
import { print } from './common';

const ns = process.argv[2] ? `${process.argv[2]}:` : '';
const pub = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const sub = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
sub.on('message', (_channel: string, raw: string) => {
  const msg = JSON.parse(raw) as { type?: string; data?: { channel?: string; message?: string } };
  if (msg.type !== 'privmsg' || msg.data?.message !== '!woot') return;
  void pub.publish(`${ns}out`, JSON.stringify({ version: 1, type: 'privmsg', data: { to: msg.data.channel, message: 'Indeed!' } }));
});
void sub.subscribe(`${ns}in`).then(() => print({ ready: true }));
