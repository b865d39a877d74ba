// A complete zenrelay service: `!roll [sides]`, and a thank-you. Needs the bot's REDIS_URL (what zen up prints).
import { createService } from '@zenrelay/sdk';

createService({ name: 'dice', description: 'Rolls dice' }).then((bot) => {
  bot.command('roll', (c) => {
    const sides = Math.max(1, parseInt(c.argv[0], 10)) || 6;
    return c.reply(`${c.sender} rolls a ${1 + Math.floor(Math.random() * sides)} (d${sides})`);
  }, { usage: '!roll [sides]', help: 'Roll a die, 6 sides unless you say' });
  bot.on('privmsg', (e) => {
    if (/^thanks,? zen/i.test(e.data.message)) return bot.reply(e, `You're welcome, ${e.data.sender}!`);
  });
});
