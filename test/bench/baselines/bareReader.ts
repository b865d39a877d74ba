/**
 * Baseline: a bare irc-framework client parsing a flood. On `expect <prefix>
 * <n>` it counts PRIVMSGs whose text starts with the prefix and prints
 * `{"done":n}` once it has n (what zenrelay's ingest is compared with).
 */
import { commands, connectIrc, parseArgs, print } from './common';

void (async () => {
  const client = await connectIrc(parseArgs());
  let prefix: string | undefined;
  let want = 0;
  let count = 0;
  client.on('privmsg', (event) => {
    if (prefix === undefined || !event.message.startsWith(prefix)) return;
    if (++count === want) {
      print({ done: count });
      prefix = undefined;
    }
  });
  commands(([verb, p, n]) => {
    if (verb !== 'expect') return;
    prefix = p;
    want = Number(n);
    count = 0;
    print({ expecting: want });
  });
  print({ ready: true });
})();
