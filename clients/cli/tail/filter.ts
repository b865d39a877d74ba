/**
 * `zen tail` filters: which envelope types and which channels to show.
 * Values come from repeatable options that may also be comma lists
 * (`--type privmsg,join --type kick`). Pure functions, no I/O.
 */
import { INBOUND_TYPES, OUTBOUND_TYPES } from '@zenrelay/protocol';

export interface TailFilter {
  /** Lower-cased types to show; empty = all. */
  types: Set<string>;
  /** Lower-cased channels (or nicks, for private messages) to show; empty = all. */
  channels: Set<string>;
}

/** Every type that can appear on `in`, `out` or the errors channel. */
export const KNOWN_TYPES: readonly string[] = [...new Set([...INBOUND_TYPES, ...OUTBOUND_TYPES, 'error'])];

/** Splits repeated, comma-separated option values into one trimmed list. */
export function splitList(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

/** Builds the filter, or says what is wrong with an option value. */
export function buildFilter(types: readonly string[] | undefined, channels: readonly string[] | undefined): TailFilter | string {
  const typeList = splitList(types).map((t) => t.toLowerCase());
  const unknown = typeList.filter((t) => !KNOWN_TYPES.includes(t));
  if (unknown.length > 0) return `unknown type ${unknown.join(', ')}; known types: ${KNOWN_TYPES.join(', ')}`;
  const channelList = splitList(channels).map((c) => c.toLowerCase());
  const bad = channelList.filter((c) => /\s/.test(c));
  if (bad.length > 0) return `channel ${JSON.stringify(bad[0])} contains whitespace`;
  return { types: new Set(typeList), channels: new Set(channelList) };
}

/** Channels (or nicks) an envelope is about: `data.channel` on `in`, `data.to` on `out`. */
export function channelsOf(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return [];
  const data = (value as { data?: unknown }).data;
  if (typeof data !== 'object' || data === null) return [];
  const { channel, to } = data as { channel?: unknown; to?: unknown };
  const found: string[] = [];
  if (typeof channel === 'string') found.push(channel);
  if (typeof to === 'string') found.push(to);
  if (Array.isArray(to)) for (const t of to) if (typeof t === 'string') found.push(t);
  return found;
}

/**
 * Whether to show a payload. `value` is the parsed JSON, or undefined when
 * the payload was not JSON; such payloads match only when no filter is set,
 * because nothing is known about them.
 */
export function matches(filter: TailFilter, value: unknown): boolean {
  if (filter.types.size > 0) {
    const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
    if (typeof type !== 'string' || !filter.types.has(type.toLowerCase())) return false;
  }
  if (filter.channels.size > 0) {
    if (!channelsOf(value).some((c) => filter.channels.has(c.toLowerCase()))) return false;
  }
  return true;
}
