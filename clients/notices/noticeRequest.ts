import { randomUUID } from 'node:crypto';
import {
  DEFAULT_MAX_PAYLOAD_BYTES,
  envelope,
  NOTICE_ID_MAX,
  parseOutbound,
  type SayEnvelope,
  type SayType,
} from '@zenrelay/protocol';

/**
 * A notice as a publisher describes it, turned into the envelope that goes
 * into the stream, and checked with the same rules the bot applies, so a bad
 * target or an empty message fails at once, on the publisher's side. Pure.
 */

export interface NoticeRequest {
  /** Nicks and channels; at least one. */
  to: string[];
  message: string;
  /** Default privmsg. */
  type?: SayType;
  /** Default: a new random id. */
  id?: string;
}

export type NoticeCheck = { ok: true; id: string; envelope: SayEnvelope; json: string } | { ok: false; code: string; reason: string };

/** A new notice id: a random UUID. */
export function newNoticeId(): string {
  return randomUUID();
}

const ID_CHARS = /^[A-Za-z0-9._:-]+$/;

/** Why `id` cannot be a notice id, or undefined when it can. */
export function noticeIdProblem(id: string): string | undefined {
  if (id.length === 0 || id.length > NOTICE_ID_MAX) return `notice id must be 1-${NOTICE_ID_MAX} characters`;
  if (!ID_CHARS.test(id)) return `notice id ${JSON.stringify(id)} may only contain letters, digits, '.', '_', ':' and '-'`;
  return undefined;
}

/** Splits `#a,#b , bob` into targets (empty parts dropped). */
export function splitTargets(list: string): string[] {
  return list
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
}

/**
 * Builds the envelope for `request` and checks it as the bot will. `maxBytes`
 * is the bot's ZEN_MAX_PAYLOAD_BYTES (default 16384).
 */
export function prepareNotice(request: NoticeRequest, maxBytes = DEFAULT_MAX_PAYLOAD_BYTES): NoticeCheck {
  const id = request.id ?? newNoticeId();
  const idProblem = noticeIdProblem(id);
  if (idProblem) return { ok: false, code: 'invalid_field', reason: idProblem };
  if (request.to.length === 0) return { ok: false, code: 'bad_target', reason: 'no target given' };
  const message = request.message.replace(/\r\n?/g, '\n').replace(/\n+$/, '');
  const env = envelope(request.type ?? 'privmsg', { to: request.to.length === 1 ? request.to[0] : request.to, message, id }) as SayEnvelope;
  const json = JSON.stringify(env);
  const parsed = parseOutbound(json, { maxBytes });
  if (!parsed.ok) return { ok: false, code: parsed.rejection.code, reason: parsed.rejection.reason };
  return { ok: true, id, envelope: env, json };
}
