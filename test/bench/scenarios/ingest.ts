/**
 * Ingest: a user floods a channel with PRIVMSGs; how fast do they come out
 * as `privmsg` events on Redis `in` (zen bot), against how fast a bare
 * irc-framework client parses the same flood. Rounds alternate.
 */
import { Redis } from 'ioredis';
import { botEnv, NO_FLOOD_CONTROL, type BenchContext } from '../lib/context';
import { benchUser, joinedBy } from '../lib/ircUsers';
import { baselineScript, cpuMs, spawnNodeChild, spawnZen, type Child } from '../lib/procs';
import { median, nowMs, round } from '../lib/stats';
import { waitUntil } from '../../harness/waitFor';

const PADDING = 'y'.repeat(60);

export async function ingest(ctx: BenchContext): Promise<void> {
  const lines = 5000;
  const rounds = ctx.options.quick ? 2 : 5;
  const children: Child[] = [];
  const flooder = await benchUser(ctx, 'flooder', ['#in-zen', '#in-bare']);
  const sub = new Redis(ctx.redis.url);
  try {
    const bot = spawnZen('zen bot', ['bot'], { env: botEnv(ctx, 'zbot-in', ['#in-zen'], NO_FLOOD_CONTROL), nodeFlags: ctx.nodeFlags('ingest-bot') });
    children.push(bot);
    const reader = spawnNodeChild('bare reader', baselineScript('bareReader'), [ctx.irc.host, String(ctx.irc.port), 'barereader', '#in-bare'], { env: {} });
    children.push(reader);
    await Promise.all([joinedBy(flooder, 'zbot-in', '#in-zen', 30000), reader.waitForLine(/"ready"/, 30000)]);

    let prefix = '';
    let count = 0;
    sub.on('message', (_channel: string, message: string) => {
      const event = JSON.parse(message) as { type: string; data: { message?: string } };
      if (event.type === 'privmsg' && event.data.message?.startsWith(prefix)) count++;
    });
    await sub.subscribe('in');

    const flood = (channel: string, p: string): void => {
      let text = '';
      for (let i = 0; i < lines; i++) text += `PRIVMSG ${channel} :${p}${i} ${PADDING}\r\n`;
      flooder.sendRaw(text);
    };
    const zenRates: number[] = [];
    const bareRates: number[] = [];
    // CPU time per line of each process: what the rates say with less of the machine's noise (a process
    // waiting for a core is not charged). 10 ms ticks: 5,000 lines take tens of them.
    const zenCpu: number[] = [];
    const bareCpu: number[] = [];
    for (let r = 0; r < rounds; r++) {
      prefix = `ingest-${r}-`;
      count = 0;
      let start = nowMs();
      let cpu = cpuMs(bot.pid);
      flood('#in-zen', prefix);
      await waitUntil(() => count >= lines, 120000, `${lines} privmsg events on \`in\``, 2);
      zenRates.push(lines / ((nowMs() - start) / 1000));
      zenCpu.push(((cpuMs(bot.pid) - cpu) * 1000) / lines);

      const since = reader.stdoutLines().length;
      reader.tell(`expect bare-${r}- ${lines}`);
      await reader.waitForLine(/"expecting"/, 10000, since);
      start = nowMs();
      cpu = cpuMs(reader.pid);
      flood('#in-bare', `bare-${r}-`);
      await reader.waitForLine(/"done"/, 120000, since);
      bareRates.push(lines / ((nowMs() - start) / 1000));
      bareCpu.push(((cpuMs(reader.pid) - cpu) * 1000) / lines);
    }
    const zen = median(zenRates);
    const bare = median(bareRates);
    ctx.record({
      id: 'ingest.rate',
      name: `ingest: a flood of ${lines} PRIVMSGs → \`in\` events (median of ${rounds})`,
      value: Math.round(zen),
      unit: 'msg/s',
      baseline: { name: 'bare irc-framework client parsing the flood', value: Math.round(bare) },
      target: '≥ 0.8× baseline and ≥ 10,000/s',
      met: zen >= 0.8 * bare && zen >= 10000,
      note: `${round(zen / bare)}×`,
    });
    ctx.record({
      id: 'ingest.cpu',
      name: `ingest: CPU time per line, \`zen bot\` (parse, event, publish) against the bare client (parse) (median of ${rounds})`,
      value: round(median(zenCpu)),
      unit: 'µs/line',
      baseline: { name: 'bare irc-framework client parsing the flood', value: round(median(bareCpu)) },
      note: `${round(median(zenCpu) / median(bareCpu))}× the bare client's CPU per line`,
    });
  } finally {
    flooder.destroy();
    sub.disconnect();
    await Promise.all(children.map((c) => c.stop()));
  }
}
