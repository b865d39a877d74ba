/**
 * ZEN_ANNOUNCE_RETURN_AFTER_SECONDS on a real ngircd: the bot's link is cut
 * (a TCP gate between it and the server drops it and holds its reconnects),
 * and once it is back it says so once in its channel, ahead of the message
 * that waited; a second outage right after (a flapping link) is not
 * announced again.
 */
import { connectUser, delay, IrcUser } from '../harness';
import { Stack, startStack } from '../support/stack';

jest.setTimeout(60000);

let stack: Stack;
let alice: IrcUser;

beforeAll(async () => {
  stack = await startStack({ gates: { irc: true }, ngircdNoPenalty: true, startBridge: false, env: { ZEN_ANNOUNCE_RETURN_AFTER_SECONDS: '1', IRC_SEND_RATE: '20' } });
  alice = await connectUser({ host: stack.irc.host, port: stack.irc.port, nick: 'alice' });
  await alice.join('#test');
  await stack.startBridge(undefined, { announceMinIntervalMs: 600_000 });
  await alice.waitFor((l) => l.command === 'JOIN' && l.nick === 'zenbot', 10000, 0);
});

afterAll(async () => {
  alice?.destroy();
  await stack?.stop();
});

const fromBot = (command: string) => (l: { command: string; nick?: string }) => l.command === command && l.nick === 'zenbot';

/** Cuts the bot off for `ms`, with `message` sent to #test meanwhile; resolves once the bot has rejoined. */
async function outage(ms: number, message: string): Promise<number> {
  const gate = stack.ircGate!;
  const since = alice.mark();
  gate.close();
  gate.dropAll();
  await alice.waitFor(fromBot('QUIT'), 10000, since);
  await stack.probe.say('#test', message);
  await delay(ms);
  gate.open();
  await alice.waitFor(fromBot('JOIN'), 20000, since);
  return since;
}

it('tells the channel once it is back, ahead of the delayed message, and not again when the link flaps', async () => {
  const since = await outage(1500, 'said during the outage');
  const notice = await alice.waitFor((l) => fromBot('NOTICE')(l) && l.params[0] === '#test', 10000, since);
  expect(notice.params[1]).toMatch(/^back after \d+ s; 1 message was delayed$/);
  const delayed = await alice.waitFor((l) => fromBot('PRIVMSG')(l) && l.params[1] === 'said during the outage', 10000, since);
  expect(alice.lines.indexOf(notice)).toBeLessThan(alice.lines.indexOf(delayed));
  expect(await stack.bridge!.metrics.value(stack.bridge!.metrics.returnAnnouncements)).toBe(1);

  // Flapping: another outage longer than the threshold, within the interval: no second notice.
  const again = await outage(1500, 'said during the second outage');
  await alice.waitFor((l) => fromBot('PRIVMSG')(l) && l.params[1] === 'said during the second outage', 10000, again);
  await stack.probe.say('#test', 'marker');
  await alice.waitFor((l) => fromBot('PRIVMSG')(l) && l.params[1] === 'marker', 10000, again);
  expect(alice.lines.slice(again).filter(fromBot('NOTICE'))).toEqual([]);
  expect(await stack.bridge!.metrics.value(stack.bridge!.metrics.returnAnnouncements)).toBe(1);
});
