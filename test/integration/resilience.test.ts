/**
 * Outages of the real servers under a running bridge: ngircd SIGKILLed and
 * restarted on the same port (queued messages survive, channels are
 * rejoined), Redis killed and restarted (the bridge resubscribes and
 * publishes the IRC events it buffered meanwhile), and an IRC outage long
 * enough that irc-framework alone would have given up.
 *
 * Where a user (or the probe) has to be back before the bridge, a TCP gate
 * (test/support/tcpGate.ts) holds the bridge's reconnection until the test
 * opens it, instead of racing the bridge's backoff timers.
 */
import { connectUser, IrcUser, ParsedLine, waitUntil } from '../harness';
import { Stack, startStack } from '../support/stack';

jest.setTimeout(80000);

const fromBot = (l: ParsedLine) => l.nick === 'zenbot' && l.command === 'PRIVMSG';

async function counter(stack: Stack, name: 'ircReconnects' | 'redisReconnects' | 'inBuffered'): Promise<number> {
  const { metrics } = stack.bridge!;
  return metrics.value(metrics[name]);
}

describe('ngircd killed and restarted', () => {
  let stack: Stack;
  let alice: IrcUser | undefined;

  beforeAll(async () => {
    stack = await startStack({ gates: { irc: true }, env: { IRC_SEND_RATE: '50', IRC_SEND_BURST: '20' } });
    alice = await connectUser({ host: stack.irc.host, port: stack.irc.port, nick: 'alice' });
    await alice.join('#test');
  });

  afterAll(async () => {
    alice?.destroy();
    await stack?.stop();
  });

  it('queues what is published while IRC is down, reconnects, rejoins every channel and delivers the queue in order', async () => {
    const bridge = stack.bridge!;
    await stack.probe.publish({ version: 1, type: 'raw', command: 'JOIN #later' });
    await waitUntil(() => bridge.status().channels.includes('#later'), 10000, 'the bot to join #later');
    const connectedBefore = stack.probe.of('connected').length;
    expect(connectedBefore).toBe(1);

    // Crash the server; hold the bridge's reconnection until a user is back in the channels.
    stack.ircGate!.close();
    await stack.irc.kill();
    await alice!.closed;
    await waitUntil(() => !bridge.status().ircRegistered, 15000, 'the bridge to notice the crash');

    const forTest = ['queued 1', 'queued 2', 'queued 3', 'queued 4', 'queued 5'];
    const forLater = ['later 1', 'later 2', 'later 3'];
    for (const text of forTest) await stack.probe.say('#test', text);
    for (const text of forLater) await stack.probe.say('#later', text);
    await stack.probe.say(['#test', '#later'], 'to both\nsecond line');
    await waitUntil(() => bridge.status().queueDepth === forTest.length + forLater.length + 4, 10000, 'every line to wait in the send queue');
    expect(stack.probe.errors).toEqual([]);

    await stack.irc.restart();
    alice = await connectUser({ host: stack.irc.host, port: stack.irc.port, nick: 'alice' });
    await alice.join('#test');
    await alice.join('#later');
    alice.mark();
    stack.ircGate!.open();

    const connected = await waitUntil(() => stack.probe.of('connected').length > connectedBefore, 30000, 'a second connected event').then(
      () => stack.probe.of('connected')[connectedBefore],
    );
    expect(connected.data.nick).toBe('zenbot');
    expect([...connected.data.channels].sort()).toEqual(['#later', '#test']);
    // The bot rejoined both channels (the one from IRC_CHANNELS and the one joined by raw).
    await alice.waitFor((l) => l.command === 'JOIN' && l.nick === 'zenbot' && l.params[0] === '#test');
    await alice.waitFor((l) => l.command === 'JOIN' && l.nick === 'zenbot' && l.params[0] === '#later');

    const lines = await alice.waitForCount(fromBot, forTest.length + forLater.length + 4, 30000);
    const textsTo = (target: string) => lines.filter((l) => l.params[0] === target).map((l) => l.params[1]);
    expect(textsTo('#test')).toEqual([...forTest, 'to both', 'second line']);
    expect(textsTo('#later')).toEqual([...forLater, 'to both', 'second line']);
    expect(bridge.status().queueDepth).toBe(0);
    expect(await stack.probe.pub.get(stack.names.nickKey)).toBe('zenbot');
    expect(await counter(stack, 'ircReconnects')).toBeGreaterThanOrEqual(1);
  });
});

describe('Redis killed and restarted', () => {
  let stack: Stack;
  let alice: IrcUser;

  beforeAll(async () => {
    stack = await startStack({ gates: { redis: true }, env: { IRC_SEND_RATE: '50', IRC_SEND_BURST: '20' } });
    alice = await connectUser({ host: stack.irc.host, port: stack.irc.port, nick: 'alice' });
    await alice.join('#test');
    await stack.probe.waitForEvent('join', (d) => d.sender === 'alice');
  });

  afterAll(async () => {
    alice?.destroy();
    await stack?.stop();
  });

  it('buffers IRC events while Redis is down, publishes them in order once it is back, and resubscribes to out', async () => {
    const bridge = stack.bridge!;
    // Hold the bridge's reconnection until the probe is subscribed again, so it sees the buffered events.
    stack.redisGate!.close();
    await stack.redis.kill();
    await waitUntil(() => !bridge.status().redis, 15000, 'the bridge to notice Redis is gone');

    const said = ['while redis was down 1', 'while redis was down 2', 'while redis was down 3', '!ping'];
    for (const text of said) alice.say('#test', text);
    alice.send('TOPIC #test :set while redis was down');
    // 4 privmsg + 1 directed_privmsg + 1 topic, all held by the bridge.
    await waitUntil(async () => (await counter(stack, 'inBuffered')) >= 6, 15000, 'the bridge to buffer the IRC events');

    await stack.redis.restart();
    await waitUntil(async () => (await stack.probe.subscribers(stack.names.in)) === 1, 20000, 'the probe to resubscribe to in');
    expect(await stack.probe.pub.get(stack.names.nickKey)).toBeNull(); // a fresh Redis: the bridge must set it again
    const eventsBefore = stack.probe.events.length;
    stack.redisGate!.open();

    await waitUntil(
      () => stack.probe.events.slice(eventsBefore).filter((e) => e.type === 'privmsg').length >= said.length,
      20000,
      'the buffered privmsg events on in',
    );
    const after = stack.probe.events.slice(eventsBefore);
    expect(after.filter((e) => e.type === 'privmsg').map((e) => (e.data as { message: string }).message)).toEqual(said);
    await stack.probe.waitForEvent('directed_privmsg', (d) => d.raw_message === '!ping' && d.message === 'ping');
    await stack.probe.waitForEvent('topic', (d) => d.topic === 'set while redis was down' && d.sender === 'alice');
    // In the order they happened on IRC.
    const order = stack.probe.events.slice(eventsBefore).map((e) => e.type);
    expect(order.indexOf('topic')).toBeGreaterThan(order.lastIndexOf('privmsg'));

    // Resubscribed to out: a message published now reaches IRC.
    await waitUntil(async () => (await stack.probe.subscribers(stack.names.out)) === 1, 20000, 'the bridge to resubscribe to out');
    alice.mark();
    await stack.probe.say('#test', 'after the Redis restart');
    await alice.waitFor((l) => fromBot(l) && l.params[1] === 'after the Redis restart');
    await waitUntil(async () => (await stack.probe.pub.get(stack.names.nickKey)) === 'zenbot', 10000, 'zenircbot:nick to be set again');
    expect(await counter(stack, 'redisReconnects')).toBeGreaterThanOrEqual(1);
    expect(await counter(stack, 'inBuffered')).toBe(0);
    expect(await counter(stack, 'ircReconnects')).toBe(0);
  });
});

describe('a long IRC outage', () => {
  let stack: Stack;
  let alice: IrcUser | undefined;

  beforeAll(async () => {
    stack = await startStack();
  });

  afterAll(async () => {
    alice?.destroy();
    await stack?.stop();
  });

  it('keeps reconnecting with backoff (well past irc-framework’s 3 attempts) and comes back', async () => {
    const bridge = stack.bridge!;
    const before = await counter(stack, 'ircReconnects');
    const connectedBefore = stack.probe.of('connected').length;
    await stack.irc.kill();
    // Reconnect delays grow 200 ms → 2 s (the stack's IRC_RECONNECT_MIN/MAX_MS); let 8 attempts fail.
    await waitUntil(async () => (await counter(stack, 'ircReconnects')) >= before + 8, 45000, 'eight failed reconnection attempts');
    expect(bridge.status().ircRegistered).toBe(false);
    await stack.irc.restart();
    await waitUntil(() => stack.probe.of('connected').length > connectedBefore, 20000, 'the bridge to come back');
    await waitUntil(() => bridge.status().ircReady, 10000, 'the bridge to be ready');
    alice = await connectUser({ host: stack.irc.host, port: stack.irc.port, nick: 'alice' });
    await alice.join('#test');
    await stack.probe.say('#test', 'back after a long outage');
    await alice.waitFor((l) => fromBot(l) && l.params[1] === 'back after a long outage');
  });
});
