/**
 * Flood control against a server that kills flooders: InspIRCd with fakelag
 * off disconnects a client ("Excess Flood") whose command penalty passes its
 * threshold. Controls first (a raw client blasting lines, and the bot with
 * its rate limit turned off, both get killed), so the test can fail; then
 * the bot with a token bucket just inside the server's limit sends a burst
 * without being disconnected, in order, and serves targets fairly.
 *
 * Server: penalty threshold 10 lines, drained at 3 lines/s. Bot: burst 4,
 * 2 lines/s, the same shape as the defaults (4 and 1 against InspIRCd's
 * default 10 and 1/s), only faster. Some headroom is needed: InspIRCd drains
 * the penalty lazily, once a second at best, and weighs some commands more
 * than one line (JOIN 2, NICK 4), while the bot's bucket charges one token per
 * line it writes, its own registration, PONG and JOIN lines included.
 */
import { connectUser, IrcUser, ParsedLine, waitUntil } from '../harness';
import { Stack, startStack } from '../support/stack';

jest.setTimeout(85000);

const SAFE = { IRC_SEND_BURST: '4', IRC_SEND_RATE: '2' };

let stack: Stack;
let alice: IrcUser;

const fromBot = (l: ParsedLine) => l.nick === 'zenbot' && l.command === 'PRIVMSG';

beforeAll(async () => {
  stack = await startStack({
    irc: 'inspircd',
    inspircd: { floodThreshold: 10, commandRate: 3000, fakelag: false },
    gates: { irc: true },
    env: { ...SAFE, IRC_CHANNELS: '#test,#chatty,#quiet' },
  });
  alice = await connectUser({ host: stack.irc.host, port: stack.irc.port, nick: 'alice' });
  for (const channel of ['#test', '#chatty', '#quiet']) await alice.join(channel);
});

afterAll(async () => {
  alice?.destroy();
  await stack?.stop();
});

describe('controls: the server really kills flooders', () => {
  it('disconnects a raw client that sends 40 lines at once with "Excess Flood"', async () => {
    const flooder = await connectUser({ host: stack.irc.host, port: stack.irc.port, nick: 'flooder' });
    try {
      await flooder.join('#test');
      const burst = Array.from({ length: 40 }, (_, i) => `PRIVMSG #test :flood ${i}\r\n`).join('');
      flooder.sendRaw(burst);
      expect(await flooder.closed).toMatch(/Excess Flood/i);
    } finally {
      flooder.destroy();
    }
  });

  it('disconnects the bot too when its rate limit is off (IRC_SEND_RATE=0)', async () => {
    await stack.stopBridge();
    const bridge = await stack.startBridge({ IRC_SEND_RATE: '0', IRC_SEND_BURST: '1' });
    alice.mark();
    await stack.probe.say('#test', Array.from({ length: 30 }, (_, i) => `unlimited ${i}`).join('\n'));
    const quit = await alice.waitFor((l) => l.command === 'QUIT' && l.nick === 'zenbot', 20000);
    expect(quit.params[0]).toMatch(/Excess Flood/i);
    await waitUntil(async () => (await bridge.metrics.value(bridge.metrics.ircReconnects)) >= 1, 10000, 'the bot to notice the kill');
    await stack.stopBridge();
  });
});

describe('with a token bucket inside the server limit', () => {
  beforeAll(async () => {
    await stack.stopBridge();
    await stack.startBridge(SAFE);
  });

  it('sends a 30-line burst without being disconnected; all lines arrive in order', async () => {
    const bridge = stack.bridge!;
    const since = alice.mark();
    const texts = Array.from({ length: 30 }, (_, i) => `line ${String(i + 1).padStart(2, '0')} of the burst`);
    // Half as one multi-line message, half as separate messages.
    await stack.probe.say('#test', texts.slice(0, 15).join('\n'));
    for (const text of texts.slice(15)) await stack.probe.say('#test', text);
    const lines = await alice.waitForCount((l) => fromBot(l) && l.params[0] === '#test', 30, 40000, since);
    expect(lines.map((l) => l.params[1])).toEqual(texts);
    expect(alice.lines.slice(since).filter((l) => l.command === 'QUIT' && l.nick === 'zenbot')).toEqual([]);
    expect(await bridge.metrics.value(bridge.metrics.ircReconnects)).toBe(0);
    expect(bridge.status().ircReady).toBe(true);
  });

  it('does not let a chatty target starve another: a later line to a quiet target goes out before the backlog', async () => {
    const since = alice.mark();
    const chatty = Array.from({ length: 20 }, (_, i) => `chatty ${i + 1}`);
    await stack.probe.say('#chatty', chatty.join('\n'));
    await stack.probe.say('#quiet', 'quiet one');
    const lines = await alice.waitForCount((l) => fromBot(l) && (l.params[0] === '#chatty' || l.params[0] === '#quiet'), 21, 40000, since);
    const order = lines.map((l) => l.params[1]);
    expect(order.filter((t) => t !== 'quiet one')).toEqual(chatty);
    // Round robin: the quiet line waits at most for the chatty line in flight, not for its backlog.
    const chattyAfterQuiet = order.length - 1 - order.indexOf('quiet one');
    expect(chattyAfterQuiet).toBeGreaterThanOrEqual(10);
    expect(await stack.bridge!.metrics.value(stack.bridge!.metrics.ircReconnects)).toBe(0);
  });

  it('reconnects with a backlog and sends it without being killed: its own registration lines count too', async () => {
    const bridge = stack.bridge!;
    const reconnectsBefore = await bridge.metrics.value(bridge.metrics.ircReconnects);
    // Cut the bot's connection and hold it out while lines pile up.
    stack.ircGate!.close();
    stack.ircGate!.dropAll();
    await waitUntil(() => !bridge.status().ircRegistered, 10000, 'the bot to lose its connection');
    const backlog = Array.from({ length: 20 }, (_, i) => `backlog ${i + 1}`);
    for (const text of backlog) await stack.probe.say('#test', text);
    await waitUntil(() => bridge.status().queueDepth === backlog.length, 10000, 'the backlog to wait in the queue');
    const since = alice.mark();
    stack.ircGate!.open();
    const lines = await alice.waitForCount((l) => fromBot(l) && l.params[0] === '#test', backlog.length, 40000, since);
    expect(lines.map((l) => l.params[1])).toEqual(backlog);
    expect(alice.lines.slice(since).filter((l) => l.command === 'QUIT' && l.nick === 'zenbot')).toEqual([]);
    expect(await bridge.metrics.value(bridge.metrics.ircReconnects)).toBe(reconnectsBefore + 1);
  });
});
