/**
 * Baseline: a bot on bare irc-framework that answers `!woot` with `Indeed!`
 * in-process (no Redis). What zenrelay + the hello service is compared with.
 */
import { connectIrc, parseArgs, print } from './common';

void (async () => {
  const client = await connectIrc(parseArgs());
  client.on('privmsg', (event) => {
    if (event.message === '!woot') client.say(event.target, 'Indeed!');
  });
  print({ ready: true });
})();
