/**
 * One readable line per payload for `zen tail`:
 *
 *     12:04:31 in  privmsg      #test <alice> hello
 *     12:04:31 out privmsg      → #test: Hello alice
 *     12:04:32 err error        bad_target: target "#a b" is neither … [id n-1]
 *
 * Payloads are checked with the protocol schemas; anything that does not fit
 * is still shown, marked INVALID with the reason, so a broken client is easy
 * to spot. Pure functions, no I/O.
 */
import {
  errorEvent,
  InboundEvent,
  inboundEventSchemas,
  isChannelName,
  isOwnKey,
  outboundCommandSchemas,
  ownEntry,
  PROTOCOL_VERSION,
} from '@zenrelay/protocol';
import type { ZodType } from 'zod';
import { Style, visible } from './style';

export type TailSource = 'in' | 'out' | 'errors';

const LABEL: Record<TailSource, string> = { in: 'in ', out: 'out', errors: 'err' };
const TYPE_WIDTH = 16;
const PREVIEW_CHARS = 300;

export function timestamp(now: Date): string {
  return [now.getHours(), now.getMinutes(), now.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/** The readable line for one payload received on `source`. */
export function formatPayload(source: TailSource, payload: string, style: Style, now: Date = new Date()): string {
  const head = `${style.dim(timestamp(now))} ${sourceLabel(source, style)}`;
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return `${head} ${style.red('INVALID'.padEnd(TYPE_WIDTH))} not JSON: ${preview(payload)}`;
  }
  const problem = envelopeProblem(source, value);
  const type = typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string' ? (value as { type: string }).type : '?';
  if (problem) return `${head} ${style.red(`INVALID ${visible(type)}`.padEnd(TYPE_WIDTH))} ${problem}: ${preview(payload)}`;
  const typeLabel = style.bold(type.padEnd(TYPE_WIDTH));
  return `${head} ${typeLabel} ${describe(source, value as { type: string; data?: unknown; command?: unknown }, style)}`;
}

/**
 * One line for `--json`: where the payload came from (`source`: in, out or
 * errors; `channel`: the Redis channel) and the payload itself, parsed
 * (`payload`), or as a string (`raw`) when it is not JSON.
 */
export function jsonLine(source: TailSource, channel: string, payload: string): string {
  try {
    return JSON.stringify({ source, channel, payload: JSON.parse(payload) as unknown });
  } catch {
    return JSON.stringify({ source, channel, raw: payload });
  }
}

function sourceLabel(source: TailSource, style: Style): string {
  if (source === 'in') return style.cyan(LABEL.in);
  if (source === 'out') return style.green(LABEL.out);
  return style.red(LABEL.errors);
}

function preview(payload: string): string {
  const shown = visible(payload);
  return shown.length > PREVIEW_CHARS ? `${shown.slice(0, PREVIEW_CHARS)}…` : shown;
}

/** Why `value` is not a valid envelope for `source`, or undefined. Unknown types are fine (shown as JSON). */
function envelopeProblem(source: TailSource, value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not an envelope object';
  const record = value as Record<string, unknown>;
  if (record.version !== PROTOCOL_VERSION) return `version ${JSON.stringify(record.version)} is not 1`;
  if (typeof record.type !== 'string') return 'no type';
  const schema =
    source === 'in'
      ? ownEntry<ZodType>(inboundEventSchemas, record.type)
      : source === 'out'
        ? ownEntry<ZodType>(outboundCommandSchemas, record.type)
        : record.type === 'error'
          ? errorEvent
          : undefined;
  if (!schema) return undefined;
  const parsed = schema.safeParse(value);
  if (parsed.success) return undefined;
  return parsed.error.issues
    .slice(0, 2)
    .map((i) => `${i.path.join('.') || '(envelope)'} ${i.message}`)
    .join('; ');
}

function describe(source: TailSource, value: { type: string; data?: unknown; command?: unknown }, style: Style): string {
  if (source === 'in' && isOwnKey(inboundEventSchemas, value.type)) return describeIn(value as InboundEvent, style);
  const data = (value.data ?? {}) as Record<string, unknown>;
  const v = (x: unknown) => visible(String(x));
  if (source === 'out') {
    if (value.type === 'raw') return `raw ${v(value.command ?? data.command)}`;
    if (isOwnKey(outboundCommandSchemas, value.type)) {
      const to = Array.isArray(data.to) ? data.to.map(v).join(', ') : v(data.to);
      const id = typeof data.id === 'string' ? style.dim(` [id ${v(data.id)}]`) : '';
      const text = value.type === 'privmsg_action' ? `* ${v(data.message)}` : v(data.message);
      const kind = value.type === 'notice' ? ' (notice)' : '';
      return `→ ${style.yellow(to)}${kind}: ${text}${id}`;
    }
  }
  if (source === 'errors' && value.type === 'error') {
    const id = typeof data.id === 'string' ? style.dim(` [id ${v(data.id)}]`) : '';
    return `${style.red(v(data.code))}: ${v(data.reason)} ${style.dim(`(from ${v(data.source)})`)}${id} ${style.dim(preview(String(data.input ?? '')))}`;
  }
  return preview(JSON.stringify(value.data ?? value));
}

function describeIn(event: InboundEvent, style: Style): string {
  const v = visible;
  const where = (channel: string, sender: string) =>
    isChannelName(channel) ? style.yellow(v(channel)) : style.yellow(`[private ${v(sender)}]`);
  switch (event.type) {
    case 'privmsg':
      return `${where(event.data.channel, event.data.sender)} <${style.nick(v(event.data.sender))}> ${v(event.data.message)}`;
    case 'privmsg_action':
      return `${where(event.data.channel, event.data.sender)} * ${style.nick(v(event.data.sender))} ${v(event.data.message)}`;
    case 'directed_privmsg':
      return `${where(event.data.channel, event.data.sender)} <${style.nick(v(event.data.sender))}> ${style.bold(v(event.data.message))} ${style.dim(`(said: ${v(event.data.raw_message)})`)}`;
    case 'notice':
      return `${style.yellow(v(event.data.channel))} -${style.nick(v(event.data.sender))}- ${v(event.data.message)}`;
    case 'join':
      return `${style.yellow(v(event.data.channel))} ${style.nick(v(event.data.sender))} joined`;
    case 'part':
      return `${style.yellow(v(event.data.channel))} ${style.nick(v(event.data.sender))} left${reason(event.data.reason)}`;
    case 'quit':
      return `${style.nick(v(event.data.sender))} quit${reason(event.data.reason)}`;
    case 'kick':
      return `${style.yellow(v(event.data.channel))} ${style.nick(v(event.data.sender))} kicked ${style.nick(v(event.data.kicked))}${reason(event.data.reason)}`;
    case 'nick':
      return `${style.nick(v(event.data.old))} is now ${style.nick(v(event.data.new))}`;
    case 'topic':
      return `${style.yellow(v(event.data.channel))} topic by ${style.nick(v(event.data.sender || '?'))}: ${v(event.data.topic)}`;
    case 'names':
      return `${style.yellow(v(event.data.channel))} ${Object.entries(event.data.nicks)
        .map(([nick, prefix]) => `${v(prefix)}${v(nick)}`)
        .join(' ')}`;
    case 'connected':
      return `to ${v(event.data.server)} as ${style.nick(v(event.data.nick))} in ${event.data.channels.map(v).join(', ') || '(no channels)'}`;
  }
}

function reason(text: string): string {
  return text === '' ? '' : ` (${visible(text)})`;
}
