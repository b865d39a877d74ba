/**
 * The `in` stream's cost on the pub/sub path: two `zen bot`s on the same
 * Redis, one with the `in` stream on (the default) and one with it off
 * (`ZEN_IN_STREAM_MAXLEN=0`). A user says one line at a time, alternating
 * between their channels, and each is timed from the moment it is written to
 * IRC until its `privmsg` event arrives on `in`. The stream write happens
 * after the publish, on a connection of its own, so both should match.
 */
import { Redis } from 'ioredis';
import { botEnv, NO_FLOOD_CONTROL, type BenchContext } from '../lib/context';
import { benchUser, joinedBy } from '../lib/ircUsers';
import { spawnZen, type Child } from '../lib/procs';
import { nowMs, percentile, round, sortedCopy } from '../lib/stats';

export async function inStream(ctx: BenchContext): Promise<void> {
  const lines = ctx.options.quick ? 300 : 2000;
  const children: Child[] = [];
  const speaker = await benchUser(ctx, 'streamer', ['#st-on', '#st-off']);
  const sub = new Redis(ctx.redis.url);
  const probe = new Redis(ctx.redis.url);
  try {
    children.push(spawnZen('zen bot (stream on)', ['bot'], { env: botEnv(ctx, 'zbot-st-on', ['#st-on'], NO_FLOOD_CONTROL), nodeFlags: ctx.nodeFlags('instream-on') }));
    children.push(spawnZen('zen bot (stream off)', ['bot'], { env: botEnv(ctx, 'zbot-st-off', ['#st-off'], { ...NO_FLOOD_CONTROL, ZEN_IN_STREAM_MAXLEN: '0' }), nodeFlags: ctx.nodeFlags('instream-off') }));
    await Promise.all([joinedBy(speaker, 'zbot-st-on', '#st-on', 30000), joinedBy(speaker, 'zbot-st-off', '#st-off', 30000)]);

    let waitingFor = '';
    let arrived: (() => void) | undefined;
    sub.on('message', (_channel: string, message: string) => {
      const event = JSON.parse(message) as { type: string; data: { message?: string } };
      if (event.type === 'privmsg' && event.data.message === waitingFor) arrived?.();
    });
    await sub.subscribe('in');

    const latency: Record<'on' | 'off', number[]> = { on: [], off: [] };
    for (let i = 0; i < lines; i++) {
      for (const mode of i % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const)) {
        waitingFor = `st-${mode}-${i}`;
        let end = 0;
        const seen = new Promise<void>((resolve) => (arrived = () => ((end = nowMs()), resolve())));
        const start = nowMs();
        speaker.sendRaw(`PRIVMSG #st-${mode} :${waitingFor}\r\n`);
        await withTimeout(seen, 10000, `${waitingFor} on \`in\``);
        latency[mode].push(end - start);
      }
    }
    const on = sortedCopy(latency.on);
    const off = sortedCopy(latency.off);
    // The stream is capped (other scenarios filled it), so count this run's entries by their text, newest
    // first; the stream write follows the publish, so the last one may still be on its way (wait, bounded).
    const count = async (): Promise<{ on: number; off: number }> => {
      const recent = await probe.xrevrange('zenrelay:in', '+', '-', 'COUNT', lines * 2 + 50);
      const texts = recent.map(([, fields]) => (JSON.parse(fields[fields.indexOf('event') + 1] ?? '{}') as { data?: { message?: string } }).data?.message ?? '');
      return { on: texts.filter((t) => t.startsWith('st-on-')).length, off: texts.filter((t) => t.startsWith('st-off-')).length };
    };
    let counted = await count();
    for (const deadline = Date.now() + 5000; counted.on < lines && Date.now() < deadline; counted = await count()) await new Promise((r) => setTimeout(r, 50));
    const entries = counted.on;
    const fromOff = counted.off;
    if (fromOff > 0) throw new Error(`the bot with ZEN_IN_STREAM_MAXLEN=0 wrote ${fromOff} stream entries`);
    for (const p of [50, 99] as const) {
      const value = round(percentile(on, p));
      const baseline = round(percentile(off, p));
      ctx.record({
        id: `instream.p${p}`,
        name: `IRC → \`in\` latency with the \`in\` stream on, p${p} (${lines} lines, alternating)`,
        value,
        unit: 'ms',
        baseline: { name: 'the same bot with ZEN_IN_STREAM_MAXLEN=0', value: baseline },
        target: p === 50 ? '≤ 1.2× stream off' : undefined,
        met: p === 50 ? value <= 1.2 * baseline : undefined,
        note: p === 50 ? `${entries} stream entries written` : undefined,
      });
    }
    if (entries < lines) throw new Error(`the in stream got ${entries} entries for ${lines} lines`);
  } finally {
    speaker.destroy();
    sub.disconnect();
    probe.disconnect();
    await Promise.all(children.map((c) => c.stop()));
  }
}

function withTimeout(promise: Promise<void>, ms: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
