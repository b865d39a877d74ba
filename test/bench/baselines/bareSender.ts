/**
 * Baseline: a bare irc-framework client saying lines as fast as it can. On
 * `say <target> <prefix> <n>` it says `<prefix><i> <padding>` n times in one
 * go (what zenrelay's `out` path is compared with).
 */
import { commands, connectIrc, parseArgs, print } from './common';

const PADDING = 'x'.repeat(60);

void (async () => {
  const client = await connectIrc(parseArgs());
  commands(([verb, target, prefix, n]) => {
    if (verb !== 'say') return;
    for (let i = 0; i < Number(n); i++) client.say(target, `${prefix}${i} ${PADDING}`);
    print({ said: Number(n) });
  });
  print({ ready: true });
})();
