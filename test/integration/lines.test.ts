/**
 * What reaches the IRC socket from `out`, checked at a real user on ngircd:
 * long multibyte text arrives whole, in order, in lines of at most 512 bytes
 * as relayed (prefix included); nothing in a payload can inject an IRC
 * command; junk on `out` gets one error event each and never disturbs the
 * connection; raw commands obey ZEN_RAW_ALLOW.
 *
 * The bot runs with a 25-character nick here, so the relay prefix
 * `:nick!~user@host PRIVMSG target :` is long and the byte budget matters.
 */
import { randomBytes } from 'node:crypto';
import { connectUser, IrcUser, ParsedLine, waitUntil } from '../harness';
import { Stack, startStack } from '../support/stack';
import type { RejectionCode } from '@zenrelay/protocol';

jest.setTimeout(80000);

const BOT = 'zenrelay_long_nick_bot_25';
let LONG_CHANNEL = '';

let stack: Stack;
let alice: IrcUser;
let bob: IrcUser;

/** Lines from the bot, received by `user` since index `since`. */
const fromBot = (user: IrcUser, since: number): ParsedLine[] => user.lines.slice(since).filter((l) => l.nick === BOT);
const botSaid = (target: string, text: string) => (l: ParsedLine) =>
  l.nick === BOT && l.command === 'PRIVMSG' && l.params[0] === target && l.params[1] === text;

async function reconnects(): Promise<number> {
  const bridge = stack.bridge!;
  return bridge.metrics.value(bridge.metrics.ircReconnects);
}

beforeAll(async () => {
  stack = await startStack({ ngircdNoPenalty: true, env: { IRC_NICK: BOT, IRC_SEND_RATE: '100', IRC_SEND_BURST: '50' }, startBridge: false });
  alice = await connectUser({ host: stack.irc.host, port: stack.irc.port, nick: 'alice' });
  // The longest channel name the server takes (ISUPPORT CHANNELLEN), capped at 50.
  const isupport = alice.lines.filter((l) => l.command === '005').flatMap((l) => l.params);
  const chanlen = Number(isupport.find((p) => p.startsWith('CHANNELLEN='))?.split('=')[1] ?? 50);
  const length = Math.min(chanlen, 50);
  LONG_CHANNEL = `#${'long-channel-name-for-the-prefix-budget-'.repeat(2)}`.slice(0, length);
  await stack.startBridge({ IRC_CHANNELS: `#test,${LONG_CHANNEL}` });
  await alice.join('#test');
  await alice.join(LONG_CHANNEL);
  bob = await connectUser({ host: stack.irc.host, port: stack.irc.port, nick: 'bob' });
  await bob.join('#other');
  // The bot is in #other too, so a spoofed PRIVMSG #other would really reach bob.
  await stack.probe.publish({ version: 1, type: 'raw', command: 'JOIN #other' });
  await bob.waitFor((l) => l.command === 'JOIN' && l.nick === BOT && l.params[0] === '#other');
});

afterAll(async () => {
  alice?.destroy();
  bob?.destroy();
  await stack?.stop();
});

/** About 2,000 bytes of accents, CJK, emoji (ZWJ sequences, modifiers, flags) and long words. */
function multibyteText(): string {
  const words = [
    'Crème', 'brûlée', 'à', 'la', 'façon', 'de', 'Noël,', 'naïve', 'señorita', 'Ærøskøbing', 'Łódź',
    '日本語のテキストと漢字かな交じり文', '中文句子没有空格也能正确分割', '한국어', 'Ελληνικά', 'русский',
    '👨‍👩‍👧‍👦', '🏳️‍🌈', '👍🏽', '🧑🏿‍💻', '❤️', '🇯🇵', 'é́', // é with a combining accent on top
    'Donaudampfschifffahrtsgesellschaftskapitänswitwe',
    `${'漢字👨‍👩‍👧‍👦かなカナ🏳️‍🌈'.repeat(14)}end`, // one word far longer than a line
    `${'Zwölfzeichen'.repeat(30)}`, // a long Latin word with an umlaut
  ];
  const out: string[] = [];
  for (let i = 0; Buffer.byteLength(out.join(' ')) < 2000; i++) out.push(words[i % words.length]);
  return out.join(' ');
}

/** Grapheme-cluster boundaries of `text`, as UTF-16 indices. */
function graphemeBoundaries(text: string): Set<number> {
  const boundaries = new Set<number>([text.length]);
  for (const segment of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)) boundaries.add(segment.index);
  return boundaries;
}

/**
 * Checks that `pieces`, as received, give back `text`: consecutive pieces are
 * joined either by the one space the splitter consumed, or directly; a direct
 * join (a cut inside a word) must fall on a grapheme-cluster boundary.
 */
function expectReassembles(pieces: string[], text: string): void {
  const boundaries = graphemeBoundaries(text);
  let pos = 0;
  pieces.forEach((piece, i) => {
    if (i > 0) {
      if (text[pos] === ' ') pos++;
      else expect({ cutAt: pos, onGraphemeBoundary: boundaries.has(pos) }).toEqual({ cutAt: pos, onGraphemeBoundary: true });
    }
    expect(text.startsWith(piece, pos) ? piece : { expected: text.slice(pos, pos + piece.length), got: piece }).toBe(piece);
    pos += piece.length;
  });
  expect(pos).toBe(text.length);
}

describe('long multibyte text', () => {
  const text = multibyteText();

  it.each([
    ['#test', () => '#test'],
    ['a 50-character channel', () => LONG_CHANNEL],
  ])('arrives whole, in order, in valid UTF-8 lines of at most 512 bytes as relayed (%s)', async (_label, target) => {
    const channel = target();
    expect(Buffer.byteLength(text)).toBeGreaterThanOrEqual(2000);
    const since = alice.mark();
    await stack.probe.say(channel, text);
    await stack.probe.say(channel, 'END-OF-LONG-TEXT');
    await alice.waitFor(botSaid(channel, 'END-OF-LONG-TEXT'), 20000);
    const lines = fromBot(alice, since).filter((l) => l.params[0] === channel && l.params[1] !== 'END-OF-LONG-TEXT');
    expect(lines.every((l) => l.command === 'PRIVMSG')).toBe(true);
    for (const line of lines) {
      // The whole line as the server relayed it: ":nick!~user@host PRIVMSG target :text\r\n".
      expect({ bytes: line.rawBytes, raw: line.raw }).toEqual({ bytes: Math.min(line.rawBytes, 512), raw: line.raw });
      expect(line.raw.includes('\uFFFD')).toBe(false);
    }
    // The server's prefix is as long as the bot assumed it: the budget is really used.
    expect(lines[0].prefix).toMatch(new RegExp(`^${BOT}!`));
    expect(Math.max(...lines.map((l) => l.rawBytes))).toBeGreaterThan(450);
    expectReassembles(
      lines.map((l) => l.params[1]),
      text,
    );
  });

  it('splits the text the same way to a nick (private message)', async () => {
    const since = alice.mark();
    await stack.probe.say('alice', text);
    await stack.probe.say('alice', 'END-OF-PRIVATE');
    await alice.waitFor(botSaid('alice', 'END-OF-PRIVATE'), 20000);
    const lines = fromBot(alice, since).filter((l) => l.params[0] === 'alice' && l.params[1] !== 'END-OF-PRIVATE');
    expect(lines.every((l) => l.rawBytes <= 512 && !l.raw.includes('\uFFFD'))).toBe(true);
    expectReassembles(
      lines.map((l) => l.params[1]),
      text,
    );
  });
});

describe('command injection', () => {
  /** Publishes a sentinel to `target` and waits for `user` to see it: everything published before has been handled. */
  async function sentinel(user: IrcUser, target: string, text: string): Promise<void> {
    await stack.probe.say(target, text);
    await user.waitFor(botSaid(target, text), 15000);
  }

  it('splits text on CR, LF and NUL into separate PRIVMSGs, never a command', async () => {
    const aliceSince = alice.mark();
    const bobSince = bob.mark();
    await stack.probe.say('#test', 'hi\r\nQUIT :x');
    await stack.probe.say('#test', 'a\r\nPRIVMSG #other :spoof');
    await stack.probe.say('#test', 'nul\u0000JOIN #evil');
    await stack.probe.publish({ version: 1, type: 'notice', data: { to: '#test', message: 'n\rMODE #test +i' } });
    await stack.probe.publish({ version: 1, type: 'privmsg_action', data: { to: '#test', message: 'waves\nPART #test' } });
    const expected = ['hi', 'QUIT :x', 'a', 'PRIVMSG #other :spoof', 'nul', 'JOIN #evil', 'n', 'MODE #test +i', '\x01ACTION waves\x01', '\x01ACTION PART #test\x01'];
    const got = await alice.waitForCount((l) => l.nick === BOT && l.params[0] === '#test', expected.length, 15000, aliceSince);
    expect(got.map((l) => l.params[1])).toEqual(expected);
    expect(got.map((l) => l.command)).toEqual(['PRIVMSG', 'PRIVMSG', 'PRIVMSG', 'PRIVMSG', 'PRIVMSG', 'PRIVMSG', 'NOTICE', 'NOTICE', 'PRIVMSG', 'PRIVMSG']);
    // Nothing reached #other but the sentinel, and the bot is still there, on the same connection.
    await sentinel(bob, '#other', 'sentinel-1');
    expect(fromBot(bob, bobSince).map((l) => `${l.command} ${l.params.join(' ')}`)).toEqual(['PRIVMSG #other sentinel-1']);
    expect(fromBot(alice, aliceSince).filter((l) => !['PRIVMSG', 'NOTICE'].includes(l.command))).toEqual([]);
    expect(stack.bridge!.status()).toMatchObject({ ircReady: true, nick: BOT });
    expect(await reconnects()).toBe(0);
  });

  it.each([
    ['CR LF in a target', { to: '#test\r\nQUIT :pwned', message: 'x' }],
    ['LF in a target', { to: '#test\nJOIN #evil', message: 'x' }],
    ['NUL in a target', { to: '#te\u0000st', message: 'x' }],
    ['CR in one target of several', { to: ['#test', 'alice\rQUIT'], message: 'x' }],
    ['a space in a target', { to: '#a b', message: 'x' }],
    ['a comma in a channel', { to: '#test,#other', message: 'x' }],
    ['a comma in a nick', { to: 'alice,bob', message: 'x' }],
    ['a space in a nick', { to: 'alice :QUIT', message: 'x' }],
    ['an empty target', { to: '', message: 'x' }],
  ])('rejects %s with bad_target, and nothing reaches IRC', async (label, data) => {
    const aliceSince = alice.mark();
    const bobSince = bob.mark();
    const id = `target-${label.replace(/\W+/g, '-')}`;
    await stack.probe.publish({ version: 1, type: 'privmsg', data: { ...data, id } });
    const error = await stack.probe.waitForError((d) => d.id === id);
    expect(error.data).toMatchObject({ code: 'bad_target', source: 'out' });
    await sentinel(alice, '#test', `after ${id}`);
    await sentinel(bob, '#other', `after ${id}`);
    expect(fromBot(alice, aliceSince).map((l) => l.raw)).toEqual([expect.stringMatching(new RegExp(`PRIVMSG #test :after ${id}$`))]);
    expect(fromBot(bob, bobSince).map((l) => l.raw)).toEqual([expect.stringMatching(new RegExp(`PRIVMSG #other :after ${id}$`))]);
  });

  it.each([
    ['top-level command with CR LF', { command: 'JOIN #evil\r\nQUIT :pwned' }],
    ['top-level command with LF', { command: 'PART #test\nPRIVMSG #other :spoof' }],
    ['top-level command with NUL', { command: 'PART #test\u0000' }],
    ['data.command with CR LF', { data: { command: 'NAMES #test\r\nQUIT :pwned' } }],
    ['data.command with CR', { data: { command: 'TOPIC #test :x\rPART #other' } }],
    ['data.command with NUL', { data: { command: 'JOIN #evil\u0000' } }],
  ])('rejects a raw %s with bad_raw, and the bot stays joined', async (_label, fields) => {
    const aliceSince = alice.mark();
    const bobSince = bob.mark();
    const errorsBefore = stack.probe.errors.length;
    await stack.probe.publish({ version: 1, type: 'raw', ...fields });
    await waitUntil(() => stack.probe.errors.length > errorsBefore, 10000, 'an error event for the raw payload');
    expect(stack.probe.errors.slice(errorsBefore).map((e) => e.data.code)).toEqual(['bad_raw']);
    await sentinel(alice, '#test', 'after raw');
    await sentinel(bob, '#other', 'after raw');
    // No JOIN, PART, QUIT or TOPIC from the bot reached anyone; it is still in both channels.
    expect(fromBot(alice, aliceSince).map((l) => l.command)).toEqual(['PRIVMSG']);
    expect(fromBot(bob, bobSince).map((l) => l.command)).toEqual(['PRIVMSG']);
    const status = stack.bridge!.status();
    expect(status.ircReady).toBe(true);
    expect(status.channels.map((c) => c.toLowerCase()).sort()).toEqual(['#other', '#test', LONG_CHANNEL.toLowerCase()].sort());
    expect(await reconnects()).toBe(0);
  });
});

describe('junk on out', () => {
  function nestedArray(depth: number): string {
    return `${'['.repeat(depth)}${']'.repeat(depth)}`;
  }
  function nestedEnvelope(depth: number): string {
    return `{"version":1,"type":"privmsg","data":{"to":"#test","message":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}}`;
  }
  const binary = Buffer.concat([Buffer.from([0xff, 0xfe, 0xc3, 0x28]), randomBytes(512)]);
  const junk: Array<[string, string | Buffer | object, RejectionCode]> = [
    ['invalid JSON', '{"version":1,"type":"privmsg",', 'invalid_json'],
    ['plain text', 'hello bot', 'invalid_json'],
    ['an empty string', '', 'invalid_json'],
    ['an array', '[1,2,3]', 'not_an_object'],
    ['a JSON string', '"privmsg"', 'not_an_object'],
    ['null', 'null', 'not_an_object'],
    ['a number', '42', 'not_an_object'],
    ['version 2', { version: 2, type: 'privmsg', data: { to: '#test', message: 'v2' } }, 'unsupported_version'],
    ['version "1" as a string', { version: '1', type: 'privmsg', data: { to: '#test', message: 'v1' } }, 'unsupported_version'],
    ['no version', { type: 'privmsg', data: { to: '#test', message: 'x' } }, 'unsupported_version'],
    ['an unknown type', { version: 1, type: 'explode', data: {} }, 'unknown_type'],
    ['an inbound type', { version: 1, type: 'join', data: { sender: 'x', channel: '#test' } }, 'unknown_type'],
    ['a numeric to', { version: 1, type: 'privmsg', data: { to: 42, message: 'x' } }, 'invalid_field'],
    ['a missing message', { version: 1, type: 'privmsg', data: { to: '#test' } }, 'invalid_field'],
    ['a missing data', { version: 1, type: 'privmsg' }, 'invalid_field'],
    ['a numeric message', { version: 1, type: 'notice', data: { to: '#test', message: 7 } }, 'invalid_field'],
    ['an empty to array', { version: 1, type: 'privmsg', data: { to: [], message: 'x' } }, 'invalid_field'],
    ['a raw without command', { version: 1, type: 'raw' }, 'invalid_field'],
    ['a raw with a numeric command', { version: 1, type: 'raw', command: 5 }, 'invalid_field'],
    ['an empty message', { version: 1, type: 'privmsg', data: { to: '#test', message: '\r\n' } }, 'empty_message'],
    ['a 100 KB payload', JSON.stringify({ version: 1, type: 'privmsg', data: { to: '#test', message: 'x'.repeat(100 * 1024) } }), 'too_large'],
    ['random binary bytes', binary, 'binary'],
    ['deeply nested arrays', nestedArray(7000), 'not_an_object'],
    ['a deeply nested message', nestedEnvelope(2500), 'invalid_field'],
  ];

  it('answers each bad payload with one error event of the right code; the connection and the next message are unaffected', async () => {
    const connectedBefore = stack.probe.of('connected').length;
    const errorsBefore = stack.probe.errors.length;
    const since = alice.mark();
    for (const [, payload] of junk) await stack.probe.publish(payload);
    // A last, recognisable bad payload closes the burst: every error before it has been published.
    await stack.probe.publish({ version: 1, type: 'nope', data: { id: 'end-of-junk' } });
    await stack.probe.say('#test', 'good message after the junk');
    await alice.waitFor(botSaid('#test', 'good message after the junk'), 15000);
    await stack.probe.waitForError((d) => d.id === 'end-of-junk');
    const errors = stack.probe.errors.slice(errorsBefore);
    expect(errors.map((e) => e.data.code)).toEqual([...junk.map(([, , code]) => code), 'unknown_type']);
    errors.forEach((e, i) => {
      expect(e).toMatchObject({ version: 1, type: 'error', data: { source: 'out' } });
      expect(e.data.reason.length).toBeGreaterThan(0);
      expect(e.data.input.length).toBeLessThanOrEqual(200);
      if (i < junk.length && typeof junk[i][1] === 'string') expect(e.data.input).toBe((junk[i][1] as string).slice(0, 200));
    });
    expect(errors.find((e) => e.data.code === 'invalid_field' && e.data.input.includes('"to":42'))?.data.reason).toMatch(/to/);
    // Nothing else reached IRC, and the bot kept its connection.
    expect(fromBot(alice, since).map((l) => l.params[1])).toEqual(['good message after the junk']);
    expect(stack.probe.of('connected').length).toBe(connectedBefore);
    expect(await reconnects()).toBe(0);
    expect(stack.bridge!.status().ircReady).toBe(true);
    expect(stack.probe.garbage).toEqual([]);
  });
});

describe('raw', () => {
  it('sends JOIN, TOPIC, NAMES and PART', async () => {
    const carol = await connectUser({ host: stack.irc.host, port: stack.irc.port, nick: 'carol' });
    try {
      await carol.join('#rawchan');
      carol.mark();
      await stack.probe.publish({ version: 1, type: 'raw', command: 'JOIN #rawchan' });
      await carol.waitFor((l) => l.command === 'JOIN' && l.nick === BOT && l.params[0] === '#rawchan');
      // carol created the channel and is op; let the bot set the topic.
      carol.send(`MODE #rawchan +o ${BOT}`);
      await carol.waitFor((l) => l.command === 'MODE' && l.params[2] === BOT);
      await stack.probe.publish({ version: 1, type: 'raw', data: { command: 'TOPIC #rawchan :set over raw' } });
      await carol.waitFor((l) => l.command === 'TOPIC' && l.nick === BOT && l.params[1] === 'set over raw');
      const namesBefore = stack.probe.of('names').length;
      await stack.probe.publish({ version: 1, type: 'raw', command: 'NAMES #rawchan' });
      await waitUntil(() => stack.probe.of('names').slice(namesBefore).some((e) => e.data.channel === '#rawchan'), 10000, 'names for #rawchan');
      const names = stack.probe.of('names').slice(namesBefore).find((e) => e.data.channel === '#rawchan')!;
      expect(names.data.nicks).toEqual({ carol: '@', [BOT]: '@' });
      await stack.probe.publish({ version: 1, type: 'raw', command: 'PART #rawchan :done here' });
      await carol.waitFor((l) => l.command === 'PART' && l.nick === BOT && l.params[1] === 'done here');
      await waitUntil(() => !stack.bridge!.status().wantedChannels.includes('#rawchan'), 5000, 'the bot to forget #rawchan');
    } finally {
      carol.destroy();
    }
  });

  it('rejects QUIT, KILL, PRIVMSG and others not on ZEN_RAW_ALLOW', async () => {
    const since = alice.mark();
    const lines = ['QUIT :bye', 'KILL alice :bye', 'PRIVMSG #test :via raw', 'NICK stolen', 'MODE #test +i', 'quit'];
    const errorsBefore = stack.probe.errors.length;
    for (const line of lines) await stack.probe.publish({ version: 1, type: 'raw', command: line });
    await waitUntil(() => stack.probe.errors.length >= errorsBefore + lines.length, 10000, 'an error per raw line');
    const errors = stack.probe.errors.slice(errorsBefore);
    expect(errors.map((e) => e.data.code)).toEqual(lines.map(() => 'raw_not_allowed'));
    expect(errors[1].data.reason).toContain('KILL');
    await stack.probe.say('#test', 'still here');
    await alice.waitFor(botSaid('#test', 'still here'));
    expect(fromBot(alice, since).map((l) => `${l.command} ${l.params[1]}`)).toEqual(['PRIVMSG still here']);
    expect(stack.bridge!.status()).toMatchObject({ ircReady: true, nick: BOT });
  });

  it('sends more commands when ZEN_RAW_ALLOW widens the list', async () => {
    await stack.stopBridge();
    await alice.waitFor((l) => l.command === 'QUIT' && l.nick === BOT);
    const bridge = await stack.startBridge({ IRC_CHANNELS: '#test', ZEN_RAW_ALLOW: 'join,part,privmsg,mode' });
    expect(stack.config.rawAllow).toEqual(['JOIN', 'PART', 'PRIVMSG', 'MODE']);
    const since = alice.mark();
    await stack.probe.publish({ version: 1, type: 'raw', command: 'PRIVMSG #test :said over raw' });
    await alice.waitFor(botSaid('#test', 'said over raw'));
    // Still refused: not on the widened list.
    const errorsBefore = stack.probe.errors.length;
    await stack.probe.publish({ version: 1, type: 'raw', command: 'QUIT :bye' });
    await stack.probe.publish({ version: 1, type: 'raw', command: 'TOPIC #test :no' });
    await waitUntil(() => stack.probe.errors.length >= errorsBefore + 2, 10000, 'two raw_not_allowed errors');
    expect(stack.probe.errors.slice(errorsBefore).map((e) => e.data.code)).toEqual(['raw_not_allowed', 'raw_not_allowed']);
    await stack.probe.say('#test', 'after widening');
    await alice.waitFor(botSaid('#test', 'after widening'));
    expect(fromBot(alice, since).filter((l) => l.command !== 'PRIVMSG')).toEqual([]);
    expect(bridge.status().ircReady).toBe(true);
  });
});
