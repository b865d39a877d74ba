/**
 * The bridge on a real ngircd and a real Redis: every IRC event reaches `in`
 * as ZenIRCBot's envelopes, every `out` command reaches IRC users.
 */
import { Redis } from 'ioredis';
import { connectUser, IrcUser, waitUntil, delay } from '../harness';
import { InEventCheck } from '../support/schemaCheck';
import { Stack, startStack } from '../support/stack';

jest.setTimeout(60000);

let stack: Stack;
let alice: IrcUser;

beforeAll(async () => {
  stack = await startStack({ env: { IRC_SEND_RATE: '50', IRC_SEND_BURST: '20' } });
  alice = await connectUser({ host: stack.irc.host, port: stack.irc.port, nick: 'alice' });
  await alice.join('#test');
});

afterAll(async () => {
  alice?.destroy();
  await stack?.stop();
});

const fromBot = (text: string) => (l: { command: string; nick?: string; params: string[] }) =>
  l.command === 'PRIVMSG' && l.nick === 'zenbot' && l.params[1] === text;

describe('IRC → in', () => {
  it('publishes connected with the server and channels, and keeps zenircbot:nick', async () => {
    const connected = await stack.probe.waitForEvent('connected').catch(() => undefined);
    // The probe subscribed before the bridge started, so it saw the first connection.
    expect(connected?.data).toEqual({ server: '127.0.0.1', channels: ['#test'], nick: 'zenbot' });
    expect(await stack.probe.pub.get('zenircbot:nick')).toBe('zenbot');
  });

  it('publishes a channel message as privmsg with ZenIRCBot fields', async () => {
    alice.say('#test', 'hello');
    const event = await stack.probe.waitForEvent('privmsg', (d) => d.message === 'hello');
    expect(event).toMatchObject({ version: 1, type: 'privmsg', data: { sender: 'alice', channel: '#test', message: 'hello' } });
    expect(event.data.host).toBe('127.0.0.1');
  });

  it('publishes directed_privmsg besides privmsg for !commands, nick: address and private messages', async () => {
    alice.say('#test', '!woot');
    alice.say('#test', 'zenbot: ping');
    alice.say('#test', 'ZenBot, status please');
    alice.say('zenbot', 'hi there');
    const woot = await stack.probe.waitForEvent('directed_privmsg', (d) => d.raw_message === '!woot');
    expect(woot.data).toMatchObject({ sender: 'alice', channel: '#test', message: 'woot' });
    const ping = await stack.probe.waitForEvent('directed_privmsg', (d) => d.raw_message === 'zenbot: ping');
    expect(ping.data.message).toBe('ping');
    const status = await stack.probe.waitForEvent('directed_privmsg', (d) => d.raw_message === 'ZenBot, status please');
    expect(status.data.message).toBe('status please');
    const pm = await stack.probe.waitForEvent('directed_privmsg', (d) => d.raw_message === 'hi there');
    expect(pm.data).toMatchObject({ sender: 'alice', channel: 'alice', message: 'hi there' });
    const pmPlain = await stack.probe.waitForEvent('privmsg', (d) => d.message === 'hi there');
    expect(pmPlain.data.channel).toBe('alice');
    // plain talk is not directed
    alice.say('#test', 'just chatting');
    await stack.probe.waitForEvent('privmsg', (d) => d.message === 'just chatting');
    expect(stack.probe.of('directed_privmsg').some((e) => e.data.raw_message === 'just chatting')).toBe(false);
  });

  it('publishes actions and user notices, and answers CTCP VERSION itself', async () => {
    alice.say('#test', '\x01ACTION waves\x01');
    const action = await stack.probe.waitForEvent('privmsg_action', (d) => d.message === 'waves');
    expect(action.data).toMatchObject({ sender: 'alice', channel: '#test' });
    alice.send('NOTICE #test :heads up');
    await stack.probe.waitForEvent('notice', (d) => d.message === 'heads up' && d.sender === 'alice');
    alice.mark();
    alice.say('zenbot', '\x01VERSION\x01');
    const reply = await alice.waitFor((l) => l.command === 'NOTICE' && l.nick === 'zenbot');
    expect(reply.params[1]).toMatch(/^\x01VERSION zenrelay \d+\.\d+\.\d+\x01$/);
    expect(stack.probe.of('privmsg_action').some((e) => e.data.message.includes('VERSION'))).toBe(false);
  });

  it('publishes join, part, nick, topic and quit', async () => {
    const bob = await connectUser({ host: stack.irc.host, port: stack.irc.port, nick: 'bob' });
    await bob.join('#test');
    await stack.probe.waitForEvent('join', (d) => d.sender === 'bob' && d.channel === '#test');
    bob.send('NICK bobby');
    await stack.probe.waitForEvent('nick', (d) => d.old === 'bob' && d.new === 'bobby');
    bob.send('PART #test :see you');
    await stack.probe.waitForEvent('part', (d) => d.sender === 'bobby' && d.reason === 'see you');
    await bob.join('#test');
    // alice created #test after the bot? No: the bot joined first and is op; it sets the topic via raw.
    await stack.probe.publish({ version: 1, type: 'raw', command: 'TOPIC #test :release day' });
    await stack.probe.waitForEvent('topic', (d) => d.topic === 'release day' && d.sender === 'zenbot');
    await bob.quit('gone fishing');
    await stack.probe.waitForEvent('quit', (d) => d.sender === 'bobby' && d.reason.includes('gone fishing'));
  });

  it('publishes kicks, and rejoins a channel the bot was kicked from', async () => {
    alice.send('JOIN #kicks');
    await alice.waitFor((l) => l.command === '366' && l.params[1] === '#kicks');
    const carol = await connectUser({ host: stack.irc.host, port: stack.irc.port, nick: 'carol' });
    await carol.join('#kicks');
    await stack.probe.publish({ version: 1, type: 'raw', command: 'JOIN #kicks' });
    await waitUntil(() => stack.bridge!.status().channels.includes('#kicks'), 5000, 'the bot to join #kicks');
    alice.send('KICK #kicks carol :out');
    const kick = await stack.probe.waitForEvent('kick', (d) => d.kicked === 'carol');
    expect(kick.data).toMatchObject({ sender: 'alice', channel: '#kicks', kicked: 'carol', reason: 'out' });
    carol.destroy();
    const joinsBefore = stack.probe.of('join').filter((e) => e.data.sender === 'zenbot' && e.data.channel === '#kicks').length;
    alice.send('KICK #kicks zenbot :you too');
    await stack.probe.waitForEvent('kick', (d) => d.kicked === 'zenbot');
    await waitUntil(
      () => stack.probe.of('join').filter((e) => e.data.sender === 'zenbot' && e.data.channel === '#kicks').length > joinsBefore,
      5000,
      'the bot to rejoin #kicks after the kick',
    );
  });

  it('publishes names with prefixes after a raw NAMES', async () => {
    await stack.probe.publish({ version: 1, type: 'raw', data: { command: 'NAMES #test' } });
    const names = await stack.probe.waitForEvent('names', (d) => d.channel === '#test' && 'alice' in d.nicks);
    expect(names.data.nicks).toMatchObject({ zenbot: '@', alice: '' });
  });

  it('publishes a topic with its setter when the bot joins a channel', async () => {
    alice.send('JOIN #topical');
    await alice.waitFor((l) => l.command === '366' && l.params[1] === '#topical');
    alice.send('TOPIC #topical :about things');
    await alice.waitFor((l) => l.command === 'TOPIC');
    await stack.probe.publish({ version: 1, type: 'raw', command: 'JOIN #topical' });
    const topic = await stack.probe.waitForEvent('topic', (d) => d.channel === '#topical');
    expect(topic.data).toEqual({ sender: 'alice', channel: '#topical', topic: 'about things' });
    await stack.probe.waitForEvent('join', (d) => d.sender === 'zenbot' && d.channel === '#topical');
    await waitUntil(() => stack.bridge!.status().channels.includes('#topical'), 5000, 'the bot to track #topical');
    await stack.probe.publish({ version: 1, type: 'raw', command: 'PART #topical :bye' });
    await waitUntil(() => !stack.bridge!.status().wantedChannels.includes('#topical'), 5000, 'the bot to forget #topical');
  });

  it('never publishes its own messages or server notices as user messages', async () => {
    await stack.probe.say('#test', 'echo check');
    await alice.waitFor(fromBot('echo check'));
    await delay(300);
    expect(stack.probe.events.some((e) => 'sender' in e.data && e.data.sender === 'zenbot' && 'message' in e.data)).toBe(false);
    expect(stack.probe.of('notice').every((e) => e.data.sender !== '' && !e.data.sender.includes('.'))).toBe(true);
    expect(stack.probe.garbage).toEqual([]);
  });
});

describe('out → IRC', () => {
  it("carries out a ZenIRCBot-era privmsg unchanged", async () => {
    alice.mark();
    await stack.probe.publish('{"version":1,"type":"privmsg","data":{"to":"#test","message":"hi"}}');
    await alice.waitFor(fromBot('hi'));
  });

  it('sends actions, notices and private messages, to one target or several', async () => {
    alice.mark();
    await stack.probe.publish({ version: 1, type: 'privmsg_action', data: { to: '#test', message: 'dances' } });
    await alice.waitFor((l) => l.command === 'PRIVMSG' && l.params[1] === '\x01ACTION dances\x01');
    await stack.probe.publish({ version: 1, type: 'notice', data: { to: ['#test', 'alice'], message: 'two places' } });
    await alice.waitFor((l) => l.command === 'NOTICE' && l.params[0] === '#test' && l.params[1] === 'two places');
    await alice.waitFor((l) => l.command === 'NOTICE' && l.params[0] === 'alice' && l.params[1] === 'two places');
    await stack.probe.say('alice', 'just for you');
    await alice.waitFor((l) => l.command === 'PRIVMSG' && l.params[0] === 'alice' && l.params[1] === 'just for you');
  });

  it('splits multi-line text into lines, in order, dropping empty ones', async () => {
    alice.mark();
    await stack.probe.say('#test', 'one\ntwo\r\n\r\nthree\rfour');
    const lines = await alice.waitForCount((l) => l.command === 'PRIVMSG' && l.nick === 'zenbot', 4);
    expect(lines.map((l) => l.params[1])).toEqual(['one', 'two', 'three', 'four']);
  });

  it('sends raw commands on the allow list and rejects the others with a reason', async () => {
    await stack.probe.publish({ version: 1, type: 'raw', command: 'QUIT :bye' });
    const error = await stack.probe.waitForError((d) => d.code === 'raw_not_allowed');
    expect(error.data.reason).toContain('QUIT');
    expect(error.data.source).toBe('out');
    expect(stack.bridge!.status().ircReady).toBe(true);
  });
});

describe('settings that change what is published', () => {
  afterAll(async () => {
    await stack.stopBridge();
    await stack.startBridge({ IRC_SEND_RATE: '50', IRC_SEND_BURST: '20' });
  });

  it('publishes no directed_privmsg with ZEN_DIRECTED=false (for sites still running the semantics service)', async () => {
    await stack.stopBridge();
    await stack.startBridge({ ZEN_DIRECTED: 'false' });
    alice.say('#test', '!woot undirected');
    await stack.probe.waitForEvent('privmsg', (d) => d.message === '!woot undirected');
    alice.say('zenbot', 'private undirected');
    await stack.probe.waitForEvent('privmsg', (d) => d.message === 'private undirected');
    await delay(300);
    expect(stack.probe.of('directed_privmsg').some((e) => e.data.raw_message.includes('undirected'))).toBe(false);
  });

  it('uses ZEN_COMMAND_PREFIX instead of !', async () => {
    await stack.stopBridge();
    await stack.startBridge({ ZEN_COMMAND_PREFIX: '?' });
    alice.say('#test', '?status now');
    alice.say('#test', '!status not-a-command-here');
    const directed = await stack.probe.waitForEvent('directed_privmsg', (d) => d.raw_message === '?status now');
    expect(directed.data.message).toBe('status now');
    await stack.probe.waitForEvent('privmsg', (d) => d.message === '!status not-a-command-here');
    await delay(300);
    expect(stack.probe.of('directed_privmsg').some((e) => e.data.raw_message === '!status not-a-command-here')).toBe(false);
  });

  it('namespaces every channel and key with ZEN_NAMESPACE', async () => {
    await stack.stopBridge();
    await stack.startBridge({ ZEN_NAMESPACE: 'net1' });
    const sub = new Redis(stack.redis.url);
    const seen: string[] = [];
    try {
      const inSchema = new InEventCheck();
      sub.on('message', (channel: string, message: string) => {
        inSchema.check(message);
        seen.push(`${channel} ${message}`);
      });
      await sub.subscribe('net1:in');
      expect(await stack.probe.pub.get('net1:zenircbot:nick')).toBe('zenbot');
      alice.say('#test', 'namespaced hello');
      await waitUntil(() => seen.some((s) => s.startsWith('net1:in ') && s.includes('namespaced hello')), 10000, 'the event on net1:in');
      alice.mark();
      await stack.probe.pub.publish('net1:out', JSON.stringify({ version: 1, type: 'privmsg', data: { to: '#test', message: 'via net1:out' } }));
      await alice.waitFor(fromBot('via net1:out'));
      // the un-namespaced channels are not used by this bot
      await stack.probe.say('#test', 'via plain out');
      await delay(300);
      expect(alice.lines.some((l) => l.params[1] === 'via plain out')).toBe(false);
      inSchema.assertAllValid();
    } finally {
      sub.disconnect();
    }
  });
});
