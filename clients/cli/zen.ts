#!/usr/bin/env node
import { Command } from 'commander';
import { config as loadDotenv } from 'dotenv';
import { describeSettings } from '../../bot/config';
import { runBot } from '../../bot/main';
import { VERSION } from '../../bot/version';

/**
 * The `zen` command: one entry point for the bot and every tool around it.
 * Settings come from the environment and from a `.env` file in the current
 * directory.
 */
loadDotenv({ quiet: true });

function settingsHelp(): string {
  const rows = describeSettings().map(({ variable, default: def, description }) => `  ${variable.padEnd(24)} ${description}${def === undefined ? '' : def === '' ? '' : ` [${def}]`}`);
  return `\nEnvironment (also read from ./.env):\n${rows.join('\n')}\n`;
}

const program = new Command();
program.name('zen').description('zenrelay: a Redis pub/sub IRC relay bot, ZenIRCBot-compatible').version(VERSION);

program
  .command('bot')
  .description('run the bridge: IRC events to Redis `in`, Redis `out` to IRC')
  .addHelpText('after', settingsHelp)
  .action(async () => {
    await runBot();
  });

program.parseAsync(process.argv).catch((err: Error) => {
  process.stderr.write(`zen: ${err.message}\n`);
  process.exit(1);
});
