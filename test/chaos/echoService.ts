/**
 * The chaos run's service, on the SDK: `!n <k>` is answered with `cmd <k>`,
 * so the IRC user can tell which numbered command got through.
 */
import { createService } from '@zenrelay/sdk';

void createService({ name: 'chaos-echo', description: 'Answers !n <k> with cmd <k>' }).then((bot) => {
  bot.command('n', (c) => c.reply(`cmd ${c.argv[0] ?? ''}`), { usage: '!n <k>', help: 'Echo a number' });
  process.stdout.write('{"ready":true}\n');
  const stop = (): void => void bot.close().finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
});
