import type { Client, MessageEvent, SourceEvent } from 'irc-framework';
import { envelope, InboundEvent, InboundType, InboundData, inboundEventSchemas, isNick, MESSAGE_TYPES, messageEventProblem } from '@zenrelay/protocol';
import { directedMessage } from './directed';
import { truncateUtf8 } from './lineWriter';
import type { CommandSender, GateDecision } from '../trust/commandGate';

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
  /** Senders the bot does not listen to (ZEN_IGNORE and the runtime list): their messages and CTCP publish nothing. */
  ignored?(nick: string, ident: string, host: string): boolean;
  /**
   * Decides each message addressed to the bot (rate limits, who the sender
   * is, bots): published as `directed_privmsg` with the `admin` and
   * `account` it says, or not at all. Without one, each is published with
   * `admin: false`.
   */
  gate?(sender: CommandSender): GateDecision | Promise<GateDecision>;
  /** A directed message the gate kept back. */
  held?(why: string, nick: string): void;
  /** An event a malformed server line would have produced (required field missing): dropped, not published. */
  invalid?(type: InboundType, why: string): void;
}

/** Longest text (message, topic, reason) published on `in`, in UTF-8 bytes; longer text is cut and marked. */
export const IN_TEXT_MAX_BYTES = 4096;
/** Appended to a text cut at IN_TEXT_MAX_BYTES. */
export const TRUNCATED_MARKER = ' [truncated]';
/** Topics (332) waiting for their setter (333) or the end of NAMES; more are dropped, oldest first. */
export const PENDING_TOPICS_MAX = 1000;
/** Longest CTCP PING argument echoed back, in bytes. */
const CTCP_PING_MAX_BYTES = 400;

/** Fields that must be non-empty strings for an event to mean anything. */
const REQUIRED: { [T in InboundType]: readonly string[] } = {
  privmsg: ['sender', 'channel'],
  privmsg_action: ['sender', 'channel'],
  directed_privmsg: ['sender', 'channel'],
  notice: ['sender', 'channel'],
  join: ['sender', 'channel'],
  part: ['sender', 'channel'],
  quit: ['sender'],
  kick: ['sender', 'channel', 'kicked'],
  nick: ['old', 'new'],
  topic: ['channel'],
  names: ['channel'],
  connected: ['nick'],
};

/** `text` as published: at most IN_TEXT_MAX_BYTES, with TRUNCATED_MARKER when cut. */
export function boundedText(text: string): string {
  if (text.length <= IN_TEXT_MAX_BYTES / 3 || Buffer.byteLength(text, 'utf8') <= IN_TEXT_MAX_BYTES) return text;
  return truncateUtf8(text, IN_TEXT_MAX_BYTES - TRUNCATED_MARKER.length) + TRUNCATED_MARKER;
}

/** Why an event must not be published (a required field missing or empty, or the schema refuses it); undefined when fine. */
export function invalidEventReason(event: InboundEvent): string | undefined {
  const data = event.data as Record<string, unknown>;
  for (const field of REQUIRED[event.type]) {
    if (typeof data[field] !== 'string' || data[field] === '') return `${field} is missing`;
  }
  // Messages, by far the most frequent, are checked without zod's copy of each (same verdict: see messageEventProblem).
  if (MESSAGE_TYPES.has(event.type)) return messageEventProblem(event);
  const result = inboundEventSchemas[event.type].safeParse(event);
  return result.success ? undefined : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
}

type Meta = { account?: string; host?: string; ident?: string; time?: string; msgid?: string; bot?: boolean };

/** Tags that mark a message from a bot: IRCv3 `bot`, its draft name, and InspIRCd 3's own. */
const BOT_TAGS = ['bot', 'draft/bot', 'inspircd.org/bot'];

/** Whether the sender carries a bot tag. */
function taggedBot(event: SourceEvent): boolean {
  const tags = event.tags;
  return tags !== undefined && BOT_TAGS.some((tag) => Object.hasOwn(tags, tag));
}

/**
 * `trustAccount`: irc-framework reads `account` from an `account=` tag on any
 * line, negotiated or not; it is only believed when account-tag (or, for JOIN,
 * extended-join, which irc-framework reads only when enabled) was negotiated.
 */
function meta(event: SourceEvent, trustAccount: boolean): Meta {
  const out: Meta = {};
  if (trustAccount && typeof event.account === 'string' && event.account !== '') out.account = event.account;
  if (typeof event.hostname === 'string' && event.hostname !== '') out.host = event.hostname;
  if (typeof event.ident === 'string' && event.ident !== '') out.ident = event.ident;
  // Date's range is ±8.64e15 ms; beyond it toISOString throws.
  if (typeof event.time === 'number' && Math.abs(event.time) <= 8.64e15) out.time = new Date(event.time).toISOString();
  const msgid = event.tags && Object.hasOwn(event.tags, 'msgid') ? event.tags.msgid : undefined;
  if (typeof msgid === 'string' && msgid !== '') out.msgid = msgid;
  if (taggedBot(event)) out.bot = true;
  return out;
}

/** A message from a real user: not from a server, and with a full nick!user@host prefix. */
function fromUser(event: MessageEvent): boolean {
  return !event.from_server && Boolean(event.nick && event.ident && event.hostname) && typeof event.message === 'string' && typeof event.target === 'string';
}

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

const CTCP_MIN_INTERVAL_MS = 2000;

export class InboundEvents {
  /** Topics seen in RPL_TOPIC, waiting for RPL_TOPICWHOTIME to name the setter. */
  private readonly pendingTopics = new Map<string, string>();
  private lastCtcpReply = 0;

  constructor(private readonly options: InboundOptions) {}

  /** Subscribes to one irc-framework client's events. */
  attach(client: Client): void {
    // A new connection: replies to the old one's requests will never complete.
    this.pendingTopics.clear();
    const isChannel = (target: string) => /^[#&+!]/.test(target);
    const accountTag = () => client.network.cap.isEnabled('account-tag');

    client.on('privmsg', (event) => this.onMessage(event, 'privmsg', isChannel(str(event.target)), accountTag()));
    client.on('action', (event) => this.onMessage(event, 'privmsg_action', isChannel(str(event.target)), accountTag()));
    client.on('notice', (event) => this.onMessage(event, 'notice', isChannel(str(event.target)), accountTag()));
    client.on('ctcp request', (event) => {
      if (event.from_server || this.isMe(event.nick) || typeof event.nick !== 'string' || !isNick(event.nick)) return;
      if (this.options.ignored?.(event.nick, str(event.ident), str(event.hostname))) return;
      const now = Date.now();
      if (now - this.lastCtcpReply < CTCP_MIN_INTERVAL_MS) return;
      if (event.type === 'VERSION') this.options.ctcpReply(event.nick, `\x01VERSION ${this.options.version}\x01`);
      else if (event.type === 'PING') this.options.ctcpReply(event.nick, `\x01${ctcpPingReply(str(event.message))}\x01`);
      else return;
      this.lastCtcpReply = now;
    });
    client.on('join', (event) =>
      this.emit('join', { sender: str(event.nick), channel: str(event.channel), ...meta(event, accountTag() || client.network.cap.isEnabled('extended-join')) }),
    );
    client.on('part', (event) =>
      this.emit('part', { sender: str(event.nick), channel: str(event.channel), reason: boundedText(str(event.message)), ...meta(event, accountTag()) }),
    );
    client.on('quit', (event) => this.emit('quit', { sender: str(event.nick), reason: boundedText(str(event.message)), ...meta(event, accountTag()) }));
    client.on('kick', (event) =>
      this.emit('kick', {
        sender: str(event.nick),
        channel: str(event.channel),
        kicked: str(event.kicked),
        reason: boundedText(str(event.message)),
        ...meta(event, accountTag()),
      }),
    );
    client.on('nick', (event) => this.emit('nick', { old: str(event.nick), new: str(event.new_nick), ...meta(event, accountTag()) }));
    client.on('topic', (event) => {
      const channel = str(event.channel);
      const topic = boundedText(str(event.topic));
      if (event.nick) {
        this.emit('topic', { sender: str(event.nick), channel, topic });
      } else if (channel !== '') {
        this.holdTopic(channel.toLowerCase(), topic);
      }
    });
    client.on('topicsetby', (event) => {
      const key = str(event.channel).toLowerCase();
      const topic = this.pendingTopics.get(key);
      if (topic === undefined) return;
      this.pendingTopics.delete(key);
      this.emit('topic', { sender: str(event.nick), channel: event.channel, topic });
    });
    client.on('userlist', (event) => {
      const channel = str(event.channel);
      if (channel !== '') this.flushTopic(channel);
      const rank = client.network.options.PREFIX ?? [];
      // A Map, then own properties: `__proto__` and `constructor` are valid nicks.
      const nicks = new Map<string, string>();
      for (const user of Array.isArray(event.users) ? event.users : []) {
        if (typeof user?.nick !== 'string' || user.nick === '') continue;
        const modes = Array.isArray(user.modes) ? user.modes : [];
        const best = rank.find((p) => modes.includes(p.mode));
        nicks.set(user.nick, best ? best.symbol : '');
      }
      this.emit('names', { channel, nicks: Object.fromEntries(nicks) });
    });
  }

  /** Keeps a topic until its 333 or NAMES end; bounded, oldest dropped first. */
  private holdTopic(key: string, topic: string): void {
    this.pendingTopics.delete(key);
    this.pendingTopics.set(key, topic);
    if (this.pendingTopics.size > PENDING_TOPICS_MAX) {
      const oldest = this.pendingTopics.keys().next().value as string;
      this.pendingTopics.delete(oldest);
    }
  }

  private onMessage(event: MessageEvent, type: 'privmsg' | 'privmsg_action' | 'notice', inChannel: boolean, trustAccount: boolean): void {
    if (!fromUser(event) || this.isMe(event.nick)) return;
    if (this.options.ignored?.(event.nick, str(event.ident), str(event.hostname))) return;
    const message = boundedText(event.message);
    const data = { sender: event.nick, channel: inChannel ? event.target : event.nick, message, ...meta(event, trustAccount) };
    this.emit(type, data);
    if (type !== 'privmsg' || !this.options.directed) return;
    // Another bot's message is never taken as a command (bots answering bots loop), unless allowed.
    if (data.bot && !this.options.answerBots) return;
    const stripped = directedMessage(event.message, {
      botNick: this.options.botNick(),
      commandPrefix: this.options.commandPrefix,
      isPrivate: !inChannel,
    });
    if (stripped === undefined) return;
    // `admin` and `account` are the bot's to say: whatever the gate decides replaces them.
    const { account: tagged, ...rest } = data;
    const directed = { ...rest, message: boundedText(stripped), raw_message: message };
    const gate = this.options.gate;
    if (!gate) {
      this.emit('directed_privmsg', { ...directed, ...(tagged === undefined ? {} : { account: tagged }), admin: false });
      return;
    }
    const sender: CommandSender = { nick: event.nick, ident: str(event.ident), host: str(event.hostname), channel: inChannel ? event.target : undefined, account: tagged, botTag: data.bot === true };
    const publish = (decision: GateDecision): void => {
      if (!decision.publish) return this.options.held?.(decision.why, event.nick);
      this.emit('directed_privmsg', { ...directed, ...(decision.account === undefined ? {} : { account: decision.account }), admin: decision.admin });
    };
    let decided: GateDecision | Promise<GateDecision>;
    try {
      decided = gate(sender);
    } catch (err) {
      decided = Promise.reject(err);
    }
    // Decided at once (no account lookup): published in this turn, with the line's privmsg.
    if (!(decided instanceof Promise)) return publish(decided);
    decided.then(publish, (err: unknown) => this.options.held?.(`gate failed: ${err instanceof Error ? err.message : String(err)}`, event.nick));
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
    return typeof nick === 'string' && nick.toLowerCase() === this.options.botNick().toLowerCase();
  }

  private emit<T extends InboundType>(type: T, data: InboundData<T>): void {
    const event = envelope(type, data) as InboundEvent;
    const why = invalidEventReason(event);
    if (why !== undefined) {
      this.options.invalid?.(type, why);
      return;
    }
    this.options.publish(event);
  }
}

/** The CTCP PING argument echoed back: no CR, LF, NUL or \x01 (they would end the line or the CTCP), bounded. */
export function ctcpPingReply(message: string): string {
  return truncateUtf8(message.replace(/[\r\n\0\x01]/g, ''), CTCP_PING_MAX_BYTES);
}
