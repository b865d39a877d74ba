/**
 * The bridge's IRC supervisor on a real ngircd: the fallback nick when its
 * own is taken (and `zenircbot:nick` following it), regaining the nick when
 * it frees up (seen QUIT, seen NICK, or by the periodic retry), the
 * ping-timeout watchdog on a server that stops answering (SIGSTOP), and the
 * backoff when the connection is cut right after every registration.
 */
import { connectUser, IrcUser, waitUntil } from '../harness';
import { Stack, startStack } from '../support/stack';

jest.setTimeout(80000);

/** A regain interval far longer than any wait here: only an event can trigger the regain. */
const NO_TIMER = 600_000;

describe('nick in use', () => {
  let stack: Stack;
  let alice: IrcUser;
  let holder: IrcUser | undefined;

  beforeAll(async () => {
    stack = await startStack({ startBridge: false, ngircdNoPenalty: true });
    alice = await connectUser({ host: stack.irc.host, port: stack.irc.port, nick: 'alice' });
    await alice.join('#test');
  });

  afterAll(async () => {
    holder?.destroy();
    alice?.destroy();
    await stack?.stop();
  });

  afterEach(async () => {
    holder?.destroy();
    holder = undefined;
    await stack.stopBridge();
  });

  const nickKey = () => stack.probe.pub.get(stack.names.nickKey);

  async function startWithNickTaken(holderJoins: boolean, nickRegainMs: number): Promise<void> {
    holder = await connectUser({ host: stack.irc.host, port: stack.irc.port, nick: 'zenbot' });
    if (holderJoins) await holder.join('#test');
    const connectedBefore = stack.probe.of('connected').length;
    const bridge = await stack.startBridge(undefined, { nickRegainMs });
    expect(bridge.status().nick).toBe('zenbot_');
    await waitUntil(() => stack.probe.of('connected').length > connectedBefore, 10000, 'a connected event');
    expect(stack.probe.of('connected')[connectedBefore].data.nick).toBe('zenbot_');
    expect(await nickKey()).toBe('zenbot_');
    // It talks under the fallback nick meanwhile.
    alice.mark();
    await stack.probe.say('#test', 'speaking as zenbot_');
    await alice.waitFor((l) => l.command === 'PRIVMSG' && l.nick === 'zenbot_' && l.params[1] === 'speaking as zenbot_');
  }

  async function expectRegained(): Promise<void> {
    const nickEvent = await stack.probe.waitForEvent('nick', (d) => d.old === 'zenbot_' && d.new === 'zenbot', 15000);
    expect(nickEvent.data).toMatchObject({ old: 'zenbot_', new: 'zenbot' });
    await waitUntil(async () => (await nickKey()) === 'zenbot', 10000, 'zenircbot:nick to follow the regained nick');
    expect(stack.bridge!.status().nick).toBe('zenbot');
    alice.mark();
    await stack.probe.say('#test', 'speaking as zenbot again');
    await alice.waitFor((l) => l.command === 'PRIVMSG' && l.nick === 'zenbot' && l.params[1] === 'speaking as zenbot again');
    expect(await stack.bridge!.metrics.value(stack.bridge!.metrics.ircReconnects)).toBe(0);
  }

  it('registers as zenbot_ and takes zenbot back as soon as it sees the holder quit', async () => {
    await startWithNickTaken(true, NO_TIMER);
    stack.probe.events.length = 0;
    await holder!.quit('leaving the nick');
    await expectRegained();
  });

  it('takes zenbot back as soon as it sees the holder change nick', async () => {
    await startWithNickTaken(true, NO_TIMER);
    stack.probe.events.length = 0;
    holder!.send('NICK someone_else');
    await stack.probe.waitForEvent('nick', (d) => d.old === 'zenbot' && d.new === 'someone_else');
    await expectRegained();
  });

  it('takes zenbot back by retrying when the holder left unseen (no shared channel)', async () => {
    await startWithNickTaken(false, 1000);
    stack.probe.events.length = 0;
    await holder!.quit('gone without a trace');
    await expectRegained();
  });
});

describe('ping timeout', () => {
  let stack: Stack;
  let alice: IrcUser;
  let frozenPid = 0;

  beforeAll(async () => {
    stack = await startStack({ env: { IRC_PING_TIMEOUT: '6' } });
    alice = await connectUser({ host: stack.irc.host, port: stack.irc.port, nick: 'alice' });
    await alice.join('#test');
  });

  afterAll(async () => {
    if (frozenPid > 0) process.kill(frozenPid, 'SIGCONT');
    alice?.destroy();
    await stack?.stop();
  });

  it('notices a server that stopped answering, and reconnects and rejoins once it answers again', async () => {
    const bridge = stack.bridge!;
    const connectedBefore = stack.probe.of('connected').length;
    frozenPid = stack.irc.pid;
    process.kill(frozenPid, 'SIGSTOP');
    try {
      // The socket stays open; only the watchdog can tell the server is gone.
      await waitUntil(() => !bridge.status().ircRegistered, 30000, 'the ping timeout to drop the frozen connection');
      expect(await bridge.metrics.value(bridge.metrics.ircReconnects)).toBeGreaterThanOrEqual(1);
    } finally {
      process.kill(frozenPid, 'SIGCONT');
      frozenPid = 0;
    }
    await waitUntil(() => stack.probe.of('connected').length > connectedBefore, 40000, 'a new connected event after SIGCONT');
    await waitUntil(() => bridge.status().ircReady && bridge.status().nick === 'zenbot', 20000, 'the bridge back as zenbot');
    expect(bridge.status().channels).toEqual(['#test']);
    alice.mark();
    await stack.probe.say('#test', 'back after the freeze');
    await alice.waitFor((l) => l.command === 'PRIVMSG' && l.nick === 'zenbot' && l.params[1] === 'back after the freeze', 15000);
  });
});

describe('a connection cut right after every registration', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ gates: { irc: true }, ngircdNoPenalty: true });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('backs off instead of reconnecting at the shortest delay forever', async () => {
    const bridge = stack.bridge!;
    const delays: number[] = [];
    bridge.irc.on('reconnecting', ({ delayMs }) => delays.push(delayMs));
    // Like a ban or a flood kill: every time the bot registers, the connection drops.
    const cut = () => stack.ircGate!.dropAll();
    bridge.irc.on('registered', cut);
    cut();
    await waitUntil(() => delays.length >= 4, 30000, 'four reconnections');
    bridge.irc.off('registered', cut);
    // IRC_RECONNECT_MIN_MS=200: the delay's ceiling doubles each time (jitter keeps it within [ceiling/2, ceiling]).
    expect(delays[3]).toBeGreaterThanOrEqual(800 / 2);
    expect(delays[3]).toBeGreaterThan(Math.max(delays[0], 200));
    await waitUntil(() => bridge.status().ircReady, 20000, 'the bot back once the cuts stop');
  });
});
