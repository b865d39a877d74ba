import type { Command } from 'commander';

/** `zen up`: the whole stack in one process (a local sandbox when no IRC server is configured). */
export function registerUpCommand(program: Command): void {
  program
    .command('up')
    .description('run the bot and every bundled service; without IRC_HOST, in a private local sandbox (ngircd + redis-server)')
    .addHelpText(
      'after',
      '\nWithout IRC_HOST: starts ngircd (and redis-server unless REDIS_URL is set) on free loopback ports,\n' +
        'joins the bot to IRC_CHANNELS (default #zen) and prints where to connect your IRC client.\n' +
        'With IRC_HOST: connects to that network and REDIS_URL. Settings: `zen bot --help`. Ctrl-C stops everything.\n',
    )
    .action(async () => {
      const { runUp } = require('../up/runUp') as typeof import('../up/runUp');
      await runUp();
    });
}
