/**
 * `help`: tells people what the bot can do, from the live service registry.
 *
 * - `!help` lists every command; `!help <command>` shows its usage and help.
 * - `!services` lists the running services, with how many replicas of each are live.
 * - ZenIRCBot's directed `commands` and `services` (`zen: commands`, or in a
 *   private message) are answered as its `register_commands` did: privately,
 *   one line per command (`<service>: <name> - <description>`) or per service.
 * - With `ZEN_HELP_WAT=true`, an unknown `!command` gets one `Wat` with a
 *   hint. Only this service says it, and only after the registry shows that
 *   no live service has that command, so several services never all answer,
 *   and a command some registered service answers is never called unknown.
 *   It is off by default: a client that does not register (the workshop's
 *   25 lines, a ZenIRCBot service) answers commands the registry does not
 *   know, and often says its own `Wat`.
 */
import { InboundOf } from '@zenrelay/protocol';
import { CommandContext, createService, parseCommand, ZenService } from '@zenrelay/sdk';
import { bool, read, setting } from '@zenrelay/runtime';
import type { ServiceStarter } from '../service';
import {
  commandHelpLines,
  commandListLine,
  ownersOf,
  serviceListLine,
  zenircbotCommandLines,
  zenircbotServiceLines,
} from './format';

export const helpSettings = {
  wat: setting('ZEN_HELP_WAT', 'false', 'Answer `Wat` to a `!command` no registered service lists; only when every client registers its commands', bool),
};

export const startHelp: ServiceStarter = async ({ redisUrl, namespace, env, logger }) => {
  const wat = read(env, helpSettings.wat);
  const bot = await createService({ name: 'help', description: 'Lists services and commands', redisUrl, namespace, env, logger });
  const prefix = bot.commandPrefix;
  const saidWithPrefix = (event: InboundOf<'directed_privmsg'>) => event.data.raw_message.startsWith(prefix);

  bot.command(
    'help',
    async (ctx) => {
      const services = await bot.services();
      const wanted = ctx.argv[0];
      if (wanted === undefined) return ctx.reply(commandListLine(services, prefix));
      const name = wanted.startsWith(prefix) ? wanted.slice(prefix.length) : wanted;
      return ctx.reply(commandHelpLines(services, name, prefix).join('\n'));
    },
    { usage: `${prefix}help [command]`, help: 'List the commands, or show how to use one' },
  );

  bot.command(
    'services',
    async (ctx) => {
      const services = await bot.services();
      if (saidWithPrefix(ctx.event)) return ctx.reply(serviceListLine(services, await bot.registry.replicaCounts()));
      return privately(ctx, zenircbotServiceLines(services));
    },
    { help: 'List the running services' },
  );

  bot.command('commands', async (ctx) => privately(ctx, zenircbotCommandLines(await bot.services(), prefix)), {
    help: 'Send you every command, one per line, in private',
  });

  if (wat) bot.on('directed_privmsg', (event) => answerUnknown(bot, event, saidWithPrefix(event)));

  await bot.ready();
  return bot;
};

async function privately(ctx: CommandContext, lines: string[]): Promise<number> {
  return ctx.replyPrivately(lines.length > 0 ? lines.join('\n') : 'Nothing is registered right now.');
}

/** The workshop's `Wat`, for a `!command` that no live service answers. */
async function answerUnknown(bot: ZenService, event: InboundOf<'directed_privmsg'>, withPrefix: boolean): Promise<void> {
  if (!withPrefix) return;
  const parsed = parseCommand(event.data.message, { prefix: bot.commandPrefix });
  if (!parsed || bot.commands().some((c) => c.name === parsed.name)) return;
  // Read the registry now, not from a cache: a service that just started counts.
  if (ownersOf(await bot.services(), parsed.name).length > 0) return;
  await bot.reply(event, `Wat. Say ${bot.commandPrefix}help for the commands I know.`);
}
