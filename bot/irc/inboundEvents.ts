import type { Client, MessageEvent, SourceEvent } from 'irc-framework';
import { envelope, InboundEvent, InboundType, InboundData } from '../../clients/protocol';
import { directedMessage } from './directed';

/**
 * Turns what irc-framework reports into `in` envelopes. Nothing the bot says
 * itself (echo-message) and nothing from a server is published as a user
 * message, so services cannot loop on the bot's own output.
 */

export interface InboundOptions {
  /** The bot's current nick (it can change). */
  botNick(): string;
  commandPrefix: string;
  directed: boolean;
  publish(event: InboundEvent): void;
  /** Answer a CTCP request (VERSION, PING) with a NOTICE, through the send queue. */
  ctcpReply(nick: string, text: string): void;
  version: string;
  /** Publish `directed_privmsg` for messages from other bots (IRCv3 `bot` tag) too (ZEN_ANSWER_BOTS). */
  answerBots?: boolean;
}

type Meta = { account?: string; host?: string; ident?: string; time?: string; msgid?: string; bot?: boolean };

/** Tags that mark a message from a bot: IRCv3 `bot`, its draft name, and InspIRCd 3's own. */
const BOT_TAGS = ['bot', 'draft/bot', 'inspircd.org/bot'];

/** Whether the sender carries a bot tag. */
function taggedBot(event: SourceEvent): boolean {
  const tags = event.tags;
  return tags !== undefined && BOT_TAGS.some((tag) => Object.hasOwn(tags, tag));
}

function meta(event: SourceEvent): Meta {
  const out: Meta = {};
  if (typeof event.account === 'string' && event.account !== '') out.account = event.account;
  if (event.hostname) out.host = event.hostname;
  if (event.ident) out.ident = event.ident;
  if (typeof event.time === 'number' && Number.isFinite(event.time)) out.time = new Date(event.time).toISOString();
  const msgid = event.tags && Object.hasOwn(event.tags, 'msgid') ? event.tags.msgid : undefined;
  if (typeof msgid === 'string' && msgid !== '') out.msgid = msgid;
  if (taggedBot(event)) out.bot = true;
  return out;
}

/** A message from a real user: not from a server, and with a full nick!user@host prefix. */
function fromUser(event: MessageEvent): boolean {
  return !event.from_server && Boolean(event.nick && event.ident && event.hostname);
}

const CTCP_MIN_INTERVAL_MS = 2000;

export class InboundEvents {
  /** Topics seen in RPL_TOPIC, waiting for RPL_TOPICWHOTIME to name the setter. */
  private readonly pendingTopics = new Map<string, string>();
  private lastCtcpReply = 0;

  constructor(private readonly options: InboundOptions) {}

  /** Subscribes to one irc-framework client's events. */
  attach(client: Client): void {
    const isChannel = (target: string) => /^[#&+!]/.test(target);

    client.on('privmsg', (event) => this.onMessage(event, 'privmsg', isChannel(event.target)));
    client.on('action', (event) => this.onMessage(event, 'privmsg_action', isChannel(event.target)));
    client.on('notice', (event) => this.onMessage(event, 'notice', isChannel(event.target)));
    client.on('ctcp request', (event) => {
      if (event.from_server || this.isMe(event.nick)) return;
      const now = Date.now();
      if (now - this.lastCtcpReply < CTCP_MIN_INTERVAL_MS) return;
      if (event.type === 'VERSION') this.options.ctcpReply(event.nick, `\x01VERSION ${this.options.version}\x01`);
      else if (event.type === 'PING') this.options.ctcpReply(event.nick, `\x01${event.message}\x01`);
      else return;
      this.lastCtcpReply = now;
    });
    client.on('join', (event) => this.emit('join', { sender: event.nick, channel: event.channel, ...meta(event) }));
    client.on('part', (event) => this.emit('part', { sender: event.nick, channel: event.channel, reason: event.message ?? '', ...meta(event) }));
    client.on('quit', (event) => this.emit('quit', { sender: event.nick, reason: event.message ?? '', ...meta(event) }));
    client.on('kick', (event) =>
      this.emit('kick', { sender: event.nick, channel: event.channel, kicked: event.kicked, reason: event.message ?? '', ...meta(event) }),
    );
    client.on('nick', (event) => this.emit('nick', { old: event.nick, new: event.new_nick, ...meta(event) }));
    client.on('topic', (event) => {
      if (event.nick) {
        this.emit('topic', { sender: event.nick, channel: event.channel, topic: event.topic });
      } else {
        this.pendingTopics.set(event.channel.toLowerCase(), event.topic);
      }
    });
    client.on('topicsetby', (event) => {
      const key = event.channel.toLowerCase();
      const topic = this.pendingTopics.get(key);
      if (topic === undefined) return;
      this.pendingTopics.delete(key);
      this.emit('topic', { sender: event.nick, channel: event.channel, topic });
    });
    client.on('userlist', (event) => {
      this.flushTopic(event.channel);
      const rank = client.network.options.PREFIX ?? [];
      const nicks: Record<string, string> = {};
      for (const user of event.users) {
        const best = rank.find((p) => user.modes.includes(p.mode));
        nicks[user.nick] = best ? best.symbol : '';
      }
      this.emit('names', { channel: event.channel, nicks });
    });
  }

  private onMessage(event: MessageEvent, type: 'privmsg' | 'privmsg_action' | 'notice', inChannel: boolean): void {
    if (!fromUser(event) || this.isMe(event.nick)) return;
    const data = { sender: event.nick, channel: inChannel ? event.target : event.nick, message: event.message, ...meta(event) };
    this.emit(type, data);
    if (type !== 'privmsg' || !this.options.directed) return;
    // Another bot's message is never taken as a command (bots answering bots loop), unless allowed.
    if (data.bot && !this.options.answerBots) return;
    const stripped = directedMessage(event.message, {
      botNick: this.options.botNick(),
      commandPrefix: this.options.commandPrefix,
      isPrivate: !inChannel,
    });
    if (stripped !== undefined) this.emit('directed_privmsg', { ...data, message: stripped, raw_message: event.message });
  }

  /** A topic from RPL_TOPIC whose setter never came (some servers send no 333). */
  private flushTopic(channel: string): void {
    const key = channel.toLowerCase();
    const topic = this.pendingTopics.get(key);
    if (topic === undefined) return;
    this.pendingTopics.delete(key);
    this.emit('topic', { sender: '', channel, topic });
  }

  private isMe(nick: string | undefined): boolean {
    return nick !== undefined && nick.toLowerCase() === this.options.botNick().toLowerCase();
  }

  private emit<T extends InboundType>(type: T, data: InboundData<T>): void {
    this.options.publish(envelope(type, data) as InboundEvent);
  }
}
