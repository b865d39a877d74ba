import type { Command } from 'commander';
import { loadBusConfig } from '@zenrelay/runtime';
import { CONFIG_EXIT_CODE, ConfigError } from '@zenrelay/runtime';
import { buildFilter } from '../tail/filter';
import type { TailSource } from '../tail/format';

/** `zen tail`: watch what flows on the bus, live. Leave it open while writing a client. */
export function registerTailCommand(program: Command): void {
  program
    .command('tail')
    .description('show what flows on `in` (and `out`, the errors channel) live, readable and coloured')
    .option('--out', 'also show `out` (what clients ask the bot to say)')
    .option('--errors', 'also show the errors channel (rejected payloads, failing handlers)')
    .option('--no-in', 'do not show `in`')
    .option('-t, --type <types>', 'only these types, comma-separated; repeatable (privmsg,join)', collect)
    .option('-c, --channel <channels>', "only these channels (or nicks, for private messages); repeatable ('#test')", collect)
    .option('--json', 'print each payload as JSON, one per line, marked with its source: {"source":"in","channel":…,"payload":…}')
    .option('--color', 'colour even when stdout is not a terminal')
    .option('--no-color', 'never colour (also: NO_COLOR=1)')
    .addHelpText('after', HELP)
    .action(async (options: RawOptions) => {
      const sources: TailSource[] = [];
      if (options.in !== false) sources.push('in');
      if (options.out) sources.push('out');
      if (options.errors) sources.push('errors');
      if (sources.length === 0) usage('nothing to show: --no-in needs --out or --errors');
      const filter = buildFilter(options.type, options.channel);
      if (typeof filter === 'string') usage(filter);
      let bus;
      try {
        bus = loadBusConfig(process.env);
      } catch (err) {
        if (err instanceof ConfigError) usage(err.message);
        throw err;
      }
      process.stdout.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'EPIPE') process.exit(0); // `zen tail | head` closed the pipe
        throw err;
      });
      const { runTail } = require('../tail/runTail') as typeof import('../tail/runTail');
      const tail = await runTail({
        bus,
        sources,
        filter,
        json: options.json === true,
        color: options.color ?? (process.stdout.isTTY === true && !process.env.NO_COLOR),
        out: (text) => process.stdout.write(text),
        err: (text) => process.stderr.write(text),
      });
      const stop = () => {
        tail.stop().finally(() => process.exit(0));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}

interface RawOptions {
  in?: boolean;
  out?: boolean;
  errors?: boolean;
  type?: string[];
  channel?: string[];
  json?: boolean;
  color?: boolean;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function usage(message: string): never {
  process.stderr.write(`zen tail: ${message}\n`);
  process.exit(CONFIG_EXIT_CODE);
}

const HELP = `
Examples:
  zen tail                             everything the bot publishes on \`in\`
  zen tail --out --errors              and what is sent to it, and what it rejected
  zen tail -t privmsg,directed_privmsg -c '#test'
  zen tail --json | jq .payload.data   envelopes for scripts (.source: in, out or errors)

Reads REDIS_URL and ZEN_NAMESPACE like the bot. Status lines go to stderr.
`;
