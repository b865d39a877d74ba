import { NOTICE_ENTRY_FIELD, NOTICE_ID_MAX, parseOutbound, type Rejection } from '@zenrelay/protocol';
import { commandLines, type LineContext } from '../commandLines';
import type { OutboundLine } from '../outbound/sendQueue';

/**
 * What to do with one entry of the notices stream: send it (as these IRC
 * lines), reject it (with the reason), let it expire (too old to be worth
 * sending), or just acknowledge it (its data is gone). Pure: the caller
 * passes the clock and the bot's identity.
 */

/** One stream entry as XREADGROUP returns it; `fields` is null when the entry was deleted meanwhile. */
export interface StreamEntry {
  entryId: string;
  fields: string[] | null;
}

export type NoticeDecision =
  | { kind: 'send'; id: string; entryId: string; lines: OutboundLine[]; /** How old the notice is, by Redis' clock. */ ageMs: number }
  | { kind: 'rejected'; id: string; entryId: string; code: string; reason: string }
  | { kind: 'expired'; id: string; entryId: string; code: 'expired'; reason: string }
  | { kind: 'gone'; entryId: string };

export interface DecideContext extends LineContext {
  /** Current time on the Redis server, in ms (stream ids carry Redis' clock). */
  nowMs: number;
  /** Notices queued longer ago than this are expired; 0 = never. */
  maxAgeMs: number;
  /** Largest accepted envelope, in bytes (ZEN_MAX_PAYLOAD_BYTES). */
  maxBytes: number;
}

/** The time an entry was added, from its id (`<ms>-<seq>`). NaN for a malformed id. */
export function entryTimeMs(entryId: string): number {
  const dash = entryId.indexOf('-');
  return Number(dash < 0 ? entryId : entryId.slice(0, dash));
}

/** The value of one field in an XREADGROUP field list (`[k1, v1, k2, v2, …]`). */
export function fieldValue(fields: readonly string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}

export function decideNotice(entry: StreamEntry, context: DecideContext): NoticeDecision {
  const { entryId, fields } = entry;
  if (fields === null) return { kind: 'gone', entryId };
  const payload = fieldValue(fields, NOTICE_ENTRY_FIELD);
  if (payload === undefined) {
    const present = fields.filter((_, i) => i % 2 === 0).join(', ') || 'none';
    return rejected(entryId, undefined, {
      code: 'invalid_field',
      reason: `stream entry has no "${NOTICE_ENTRY_FIELD}" field (fields: ${present}); XADD <stream> * ${NOTICE_ENTRY_FIELD} '<JSON envelope>'`,
    });
  }
  const parsed = parseOutbound(payload, { maxBytes: context.maxBytes });
  if (!parsed.ok) return rejected(entryId, parsed.rejection.id ?? envelopeId(payload), parsed.rejection);
  const command = parsed.command;
  if (command.kind === 'raw') {
    // A raw command has no id of its own; the fate goes where the publisher looks: its data.id.
    return rejected(entryId, envelopeId(payload), {
      code: 'unknown_type',
      reason: 'raw commands cannot be sent as notices; notices take privmsg, privmsg_action or notice (publish raw on `out`)',
    });
  }
  const id = noticeId(entryId, command.id);
  const queuedAt = entryTimeMs(entryId);
  const ageMs = context.nowMs - queuedAt;
  if (context.maxAgeMs > 0 && Number.isFinite(ageMs) && ageMs > context.maxAgeMs) {
    return {
      kind: 'expired',
      id,
      entryId,
      code: 'expired',
      reason: `queued ${Math.round(ageMs / 1000)} s ago, longer than the maximum age of ${Math.round(context.maxAgeMs / 1000)} s (ZEN_NOTICE_MAX_AGE_SECONDS)`,
    };
  }
  const lines = commandLines(command, context);
  if (!lines.ok) return rejected(entryId, command.id, lines.rejection);
  return { kind: 'send', id, entryId, lines: lines.lines, ageMs: Number.isFinite(ageMs) ? Math.max(0, ageMs) : 0 };
}

/** Largest payload looked into for an id when it was rejected before parsing (e.g. too large). */
const ID_SCAN_MAX_BYTES = 1_048_576;

/**
 * The `data.id` of a payload that parseOutbound rejected before it read the
 * id (too large), so the fate lands where the publisher looks for it.
 */
export function envelopeId(payload: string): string | undefined {
  if (payload.length > ID_SCAN_MAX_BYTES) return undefined;
  try {
    const value: unknown = JSON.parse(payload);
    const data = typeof value === 'object' && value !== null ? (value as Record<string, unknown>).data : undefined;
    const id = typeof data === 'object' && data !== null ? (data as Record<string, unknown>).id : undefined;
    return typeof id === 'string' && id.length <= NOTICE_ID_MAX ? id : undefined;
  } catch {
    return undefined;
  }
}

/** The notice's own id, or the stream entry id when it has none. */
export function noticeId(entryId: string, id: string | undefined): string {
  return id === undefined || id === '' ? entryId : id;
}

function rejected(entryId: string, id: string | undefined, rejection: Pick<Rejection, 'code' | 'reason'>): NoticeDecision {
  return { kind: 'rejected', id: noticeId(entryId, id), entryId, code: rejection.code, reason: rejection.reason };
}
