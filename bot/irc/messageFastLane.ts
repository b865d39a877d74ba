import type { Client } from 'irc-framework';
import parseIrcLine = require('irc-framework/src/irclineparser');

type ParsedIrcLine = parseIrcLine.ParsedIrcLine;

/**
 * irc-framework takes every line it reads through six steps: its parser, the
 * raw middleware, an IrcCommand (a lodash clone of the parameters and tags),
 * the command's handler, a proxy that adds a `reply()` closure and emits a
 * lodash copy of the event as `message`, and the parsed middleware, before
 * the client emits the event. Under a flood of chat that was most of what the
 * bot allocated per line (`npm run bench -- --only=ingest --heap-profile`),
 * and so most of its garbage collection.
 *
 * This takes the plain messages, the bulk of any busy channel, straight from
 * irc-framework's parser to the client's listeners: the same `raw` event
 * first, the same parser, the event object irc-framework's PRIVMSG and NOTICE
 * handlers build (same fields, same values), the same ping-timeout reset.
 * What it leaves out nothing in zenrelay uses: the middleware (zenrelay
 * installs none; with any installed every line takes irc-framework's path),
 * `reply()`, and the `message` copy. Every other line, and any message that
 * is not plain, takes irc-framework's own path unchanged:
 *
 * - CTCP (`\x01…\x01`: ACTION, VERSION, PING and CTCP replies),
 * - a line inside a BATCH (irc-framework holds those until the batch ends),
 * - a message without a sender nick (from a server) or without a target.
 *
 * Installed per client (before it connects) by replacing its connection's
 * `addReadBuffer`; left as irc-framework has it when its internals are not
 * what this expects (another version): slower, never different.
 */

/** The event irc-framework emits for a PRIVMSG or NOTICE (commands/handlers/messaging.js, 4.14). */
export interface PlainMessageEvent {
  from_server: boolean;
  nick: string;
  ident: string;
  hostname: string;
  target: string;
  group: string | undefined;
  message: string;
  tags: Record<string, string | true>;
  time: number | undefined;
  account: string | true | undefined;
  batch: undefined;
}

/** The parts of irc-framework's Client and Connection this relies on (client.js, connection.js, networkinfo.js). */
interface FastLaneInternals {
  connection: {
    addReadBuffer(line: string): void;
    emit(event: string, ...args: unknown[]): boolean;
    listenerCount(event: string): number;
  };
  network: { extractTargetGroup(target: string): { target: string; target_group: string } | null };
  raw_middleware: { stack: unknown[] };
  parsed_middleware: { stack: unknown[] };
  resetPingTimeoutTimer(): void;
  emit(event: string, ...args: unknown[]): boolean;
}

function hasFastLaneInternals(client: unknown): client is FastLaneInternals {
  const c = client as Partial<FastLaneInternals>;
  return (
    typeof c.connection?.addReadBuffer === 'function' &&
    typeof c.connection.emit === 'function' &&
    typeof c.connection.listenerCount === 'function' &&
    typeof c.network?.extractTargetGroup === 'function' &&
    Array.isArray(c.raw_middleware?.stack) &&
    Array.isArray(c.parsed_middleware?.stack) &&
    typeof c.resetPingTimeoutTimer === 'function' &&
    typeof c.emit === 'function'
  );
}

const NUMBER = /^[0-9.]{1,}$/;

/** irc-framework's IrcCommand.getServerTime: the `time` tag as ms since the epoch (or a znc.in unix timestamp), else undefined. */
export function serverTime(tags: Record<string, string | true>): number | undefined {
  const tag = tags.time;
  if (!tag || typeof tag !== 'string') return undefined;
  const time = Date.parse(tag) || undefined;
  if (!time && NUMBER.test(tag)) return new Date(Number(tag) * 1000).getTime();
  return time;
}

/**
 * The `privmsg` or `notice` event irc-framework's handler would emit for
 * `message` (parsed by irc-framework's parser), or undefined when the line
 * must take irc-framework's own path (see above).
 */
export function plainMessageEvent(
  message: ParsedIrcLine,
  extractTargetGroup: FastLaneInternals['network']['extractTargetGroup'],
): { name: 'privmsg' | 'notice'; event: PlainMessageEvent } | undefined {
  const { command, params, tags } = message;
  if (command !== 'PRIVMSG' && command !== 'NOTICE') return undefined;
  if (!message.nick || params.length < 2 || tags.batch !== undefined) return undefined;
  const text = params[params.length - 1] as string;
  if (text.charAt(0) === '\x01' && text.charAt(text.length - 1) === '\x01') return undefined;
  let target = params[0] as string;
  let group: string | undefined;
  const parsed = extractTargetGroup(target);
  if (parsed) {
    target = parsed.target;
    group = parsed.target_group;
  }
  return {
    name: command === 'PRIVMSG' ? 'privmsg' : 'notice',
    event: {
      from_server: false,
      nick: message.nick,
      ident: message.ident,
      hostname: message.hostname,
      target,
      group,
      message: text,
      tags,
      time: serverTime(tags),
      account: tags.account,
      batch: undefined,
    },
  };
}

/** Installs the fast lane on `client` (before it connects); returns false when left as it was. */
export function useMessageFastLane(client: Client): boolean {
  if (!hasFastLaneInternals(client)) return false;
  const c = client;
  const ownPath = c.connection.addReadBuffer.bind(c.connection);
  const extractTargetGroup = c.network.extractTargetGroup.bind(c.network);
  c.connection.addReadBuffer = function addReadBuffer(line: string): void {
    if (!line || c.raw_middleware.stack.length > 0 || c.parsed_middleware.stack.length > 0) return ownPath(line);
    // As irc-framework's addReadBuffer: `raw` first, then the parse. The connection's only `raw` listener is
    // the client's proxy (an arguments copy and two arrays per line): the client gets it straight.
    const raw = { line, from_server: true };
    if (c.connection.listenerCount('raw') === 1) c.emit('raw', raw);
    else c.connection.emit('raw', raw);
    const message = parseIrcLine(line);
    if (!message) return;
    const plain = plainMessageEvent(message, extractTargetGroup);
    if (!plain) {
      c.connection.emit('message', message, line);
      return;
    }
    c.resetPingTimeoutTimer();
    c.emit(plain.name, plain.event);
  };
  return true;
}
