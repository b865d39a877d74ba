#!/usr/bin/env -S node --optimize-for-size
import { Command } from 'commander';
import { config as loadDotenv } from 'dotenv';
import { VERSION } from '../../bot';
import { registerAclCommand } from './commands/acl';
import { registerBotCommand } from './commands/bot';
import { registerNotifyCommand } from './commands/notify';
import { registerServiceCommand } from './commands/service';
import { registerStatusCommand } from './commands/status';
import { registerTailCommand } from './commands/tail';
import { registerUpCommand } from './commands/up';

/**
 * The `zen` command: one entry point for the bot and every tool around it.
 * Each subcommand lives in its own file under commands/ and registers itself
 * here. Settings come from the environment and from `./.env`.
 */
loadDotenv({ quiet: true });

const program = new Command();
program.name('zen').description('zenrelay: a Redis pub/sub IRC relay bot, ZenIRCBot-compatible').version(VERSION);

registerBotCommand(program);
registerServiceCommand(program);
registerTailCommand(program);
registerUpCommand(program);
registerNotifyCommand(program);
registerStatusCommand(program);
registerAclCommand(program);

program.parseAsync(process.argv).catch((err: Error) => {
  process.stderr.write(`zen: ${err.message}\n`);
  process.exit(1);
});
