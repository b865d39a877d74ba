/**
 * `hello`: the ZenIRCBot workshop client, on the SDK. Someone says `hello`,
 * the bot says `Hello <them>`; `!woot` gets `Indeed!`. (The workshop's `Wat`
 * for everything else is the help service's job: it alone knows which
 * commands exist.)
 */
import { createService } from '@zenrelay/sdk';
import type { ServiceStarter } from '../service';

export const startHello: ServiceStarter = async ({ redisUrl, namespace, env, logger }) => {
  const bot = await createService({ name: 'hello', description: 'The workshop greeter: hello and !woot', redisUrl, namespace, env, logger });

  bot.on('privmsg', (event) => {
    if (event.data.message === 'hello') return bot.reply(event, `Hello ${event.data.sender}`);
  });
  bot.command('woot', (ctx) => ctx.reply('Indeed!'), { help: 'Agree, enthusiastically' });

  await bot.ready();
  return bot;
};
