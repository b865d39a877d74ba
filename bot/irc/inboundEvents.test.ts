import { EventEmitter } from 'node:events';
import type { Client } from 'irc-framework';
import { envelope, type InboundEvent } from '@zenrelay/protocol';
import { boundedText, ctcpPingReply, IN_TEXT_MAX_BYTES, InboundEvents, type InboundOptions, invalidEventReason, TRUNCATED_MARKER } from './inboundEvents';

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');
const event = (type: string, data: unknown) => envelope(type, data) as InboundEvent;

describe('invalidEventReason', () => {
  it('accepts complete events', () => {
    expect(invalidEventReason(event('join', { sender: 'alice', channel: '#c' }))).toBeUndefined();
    expect(invalidEventReason(event('topic', { sender: '', channel: '#c', topic: '' }))).toBeUndefined();
    expect(invalidEventReason(event('names', { channel: '#c', nicks: Object.fromEntries([['__proto__', '@'], ['constructor', '']]) }))).toBeUndefined();
  });

  it('refuses what malformed lines produce: join without channel, kick without kicked, nick without new', () => {
    expect(invalidEventReason(event('join', { sender: '' }))).toMatch(/sender is missing/);
    expect(invalidEventReason(event('join', { sender: 'alice', channel: '' }))).toMatch(/channel is missing/);
    expect(invalidEventReason(event('kick', { sender: 'op', channel: '#c', kicked: '', reason: '' }))).toMatch(/kicked is missing/);
    expect(invalidEventReason(event('nick', { old: 'alice', new: '' }))).toMatch(/new is missing/);
    expect(invalidEventReason(event('part', { sender: 'a', channel: '#c' }))).toMatch(/reason/);
  });
});

describe('boundedText', () => {
  it('leaves text up to the limit alone', () => {
    const text = 'é'.repeat(IN_TEXT_MAX_BYTES / 2);
    expect(boundedText(text)).toBe(text);
  });

  it('cuts longer text at a code point and marks it', () => {
    const out = boundedText('😀'.repeat(300_000));
    expect(bytes(out)).toBeLessThanOrEqual(IN_TEXT_MAX_BYTES);
    expect(out.endsWith(TRUNCATED_MARKER)).toBe(true);
    expect(out.slice(0, -TRUNCATED_MARKER.length)).toMatch(/^(😀)+$/u);
  });
});

describe('ctcpPingReply', () => {
  it('removes CR, LF, NUL and \\x01 from the echoed argument', () => {
    expect(ctcpPingReply('PING 1\rQUIT :injected\0\x01\n')).toBe('PING 1QUIT :injected');
  });

  it('bounds the echoed argument', () => {
    expect(bytes(ctcpPingReply(`PING ${'9'.repeat(10_023)}`))).toBe(400);
  });
});

describe('directed messages: admin, account and the ignore list', () => {
  // A stand-in for irc-framework's client: the events InboundEvents listens to, and its caps.
  function setup(options: { accountTag: boolean; gate?: InboundOptions['gate']; ignored?: (nick: string) => boolean }) {
    const client = Object.assign(new EventEmitter(), { network: { cap: { isEnabled: (cap: string) => cap === 'account-tag' && options.accountTag }, options: {} } });
    const published: InboundEvent[] = [];
    const inbound = new InboundEvents({
      botNick: () => 'zen',
      commandPrefix: '!',
      directed: true,
      publish: (e) => published.push(e),
      ctcpReply: () => undefined,
      version: 'test',
      gate: options.gate,
      ignored: options.ignored ? (nick) => options.ignored!(nick) : undefined,
    });
    inbound.attach(client as unknown as Client);
    const say = (nick: string, message: string, account?: string) =>
      client.emit('privmsg', { nick, ident: 'u', hostname: 'h', target: '#c', message, from_server: false, account, tags: {} });
    return { published, say };
  }
  const flush = () => new Promise((resolve) => setImmediate(resolve));

  it('without a gate: admin false, and an account only from a negotiated tag', async () => {
    const tagged = setup({ accountTag: true });
    tagged.say('alice', '!woot', 'alice');
    expect(tagged.published.map((e) => [e.type, e.data])).toEqual([
      ['privmsg', { sender: 'alice', channel: '#c', message: '!woot', account: 'alice', host: 'h', ident: 'u' }],
      ['directed_privmsg', { sender: 'alice', channel: '#c', message: 'woot', raw_message: '!woot', account: 'alice', host: 'h', ident: 'u', admin: false }],
    ]);
    const untagged = setup({ accountTag: false });
    untagged.say('alice', '!woot', 'alice');
    for (const e of untagged.published) expect(e.data).not.toHaveProperty('account');
  });

  it('the gate decides admin and account, replacing the tag', async () => {
    const g = setup({ accountTag: true, gate: async (s) => (s.nick === 'held' ? { publish: false, why: 'rate_limited' } : { publish: true, admin: true, account: 'real' }) });
    g.say('alice', '!join #x', 'forged');
    g.say('held', '!woot');
    await flush();
    const directed = g.published.filter((e) => e.type === 'directed_privmsg');
    expect(directed.map((e) => e.data)).toEqual([expect.objectContaining({ sender: 'alice', admin: true, account: 'real' })]);
    expect(g.published.filter((e) => e.type === 'privmsg')).toHaveLength(2);
  });

  it('a decision the gate makes at once is published in the same turn, right after the privmsg (one write to Redis)', () => {
    const g = setup({ accountTag: false, gate: () => ({ publish: true, admin: false, account: undefined }) });
    g.say('alice', '!woot');
    expect(g.published.map((e) => e.type)).toEqual(['privmsg', 'directed_privmsg']);
  });

  it('a gate that throws holds the command back and publishes the privmsg alone', async () => {
    const client = setup({
      accountTag: false,
      gate: () => {
        throw new Error('boom');
      },
    });
    client.say('alice', '!woot');
    await flush();
    expect(client.published.map((e) => e.type)).toEqual(['privmsg']);
  });

  it('an ignored sender publishes nothing', () => {
    const g = setup({ accountTag: false, ignored: (nick) => nick === '__proto__' });
    g.say('__proto__', '!woot');
    g.say('bob', 'hi');
    expect(g.published.map((e) => (e.data as { sender: string }).sender)).toEqual(['bob']);
  });
});
