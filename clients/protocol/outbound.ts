import { z } from 'zod';
import { envelopeSchema, PROTOCOL_VERSION } from './envelope';
import { isOwnKey } from './lookup';
import { targetProblem } from './targets';

/**
 * Commands any program may publish on `out` for the bot to carry out on IRC.
 * ZenIRCBot's `privmsg`, `privmsg_action` and `raw` keep their exact shape.
 */

const recipients = z
  .union([z.string(), z.array(z.string()).min(1).max(32)])
  .describe('A nick, a channel, or an array of them (at most 32)');

const sayData = z.looseObject({
  to: recipients,
  message: z.string().describe('Text; newlines split it into several lines, long lines are split at word boundaries'),
  id: z.string().max(128).optional().describe('Optional id chosen by the sender, echoed in error events'),
  reply_to: z
    .string()
    .min(1)
    .max(256)
    .optional()
    .describe("The msgid of the message this answers (an `in` event's msgid): where the server allows client tags, the bot tags its lines +draft/reply so clients thread them"),
});

export const privmsgCommand = envelopeSchema('privmsg', sayData).describe('Say `message` to `to`.');
export const privmsgActionCommand = envelopeSchema('privmsg_action', sayData).describe(
  'Do `message` as a /me action in `to`.',
);
export const noticeCommand = envelopeSchema('notice', sayData).describe('Send `message` to `to` as a NOTICE.');

/**
 * A raw IRC line. ZenIRCBot's code read `command` at the top level; its docs
 * put it inside `data`. Both are accepted; the bot only sends commands on its
 * allow list (`ZEN_RAW_ALLOW`).
 */
export const rawCommand = z
  .looseObject({
    version: z.literal(PROTOCOL_VERSION),
    type: z.literal('raw'),
    command: z.string().optional().describe('The IRC line, e.g. `JOIN #chan` (ZenIRCBot API form)'),
    data: z
      .looseObject({ command: z.string().optional().describe('The IRC line (ZenIRCBot docs form)') })
      .optional(),
  })
  .describe('Send one raw IRC line whose command is on the allow list.');

export const outboundCommandSchemas = {
  privmsg: privmsgCommand,
  privmsg_action: privmsgActionCommand,
  notice: noticeCommand,
  raw: rawCommand,
} as const;

export type OutboundType = keyof typeof outboundCommandSchemas;
export const OUTBOUND_TYPES = Object.keys(outboundCommandSchemas) as OutboundType[];
export type SayType = Exclude<OutboundType, 'raw'>;
export type SayEnvelope = z.infer<typeof privmsgCommand>;

/** A valid `out` command, normalized: one list of targets, the raw line in one place. */
export type OutboundCommand =
  | { kind: 'say'; type: SayType; targets: string[]; message: string; id?: string; replyTo?: string }
  | { kind: 'raw'; line: string };

/** Every code a rejected `out` payload (or notice) can get. */
export const REJECTION_CODES = [
  'too_large',
  'binary',
  'invalid_json',
  'not_an_object',
  'unsupported_version',
  'unknown_type',
  'invalid_field',
  'bad_target',
  'empty_message',
  'bad_raw',
  'raw_not_allowed',
  'queue_full',
] as const;

export type RejectionCode = (typeof REJECTION_CODES)[number];

export interface Rejection {
  code: RejectionCode;
  reason: string;
  /** The sender's `data.id`, when the envelope got far enough to have one. */
  id?: string;
}

export type ParseResult = { ok: true; command: OutboundCommand } | { ok: false; rejection: Rejection };

export interface ParseLimits {
  /** Largest accepted payload, in bytes. */
  maxBytes: number;
}

export const DEFAULT_MAX_PAYLOAD_BYTES = 16384;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function reject(code: RejectionCode, reason: string, id?: string): ParseResult {
  return { ok: false, rejection: id === undefined ? { code, reason } : { code, reason, id } };
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(envelope)'}: ${issue.message}`)
    .join('; ');
}

/**
 * Turns one payload received on `out` into a command, or says exactly why it
 * cannot be carried out. Never throws.
 */
export function parseOutbound(payload: Buffer | string, limits: ParseLimits = { maxBytes: DEFAULT_MAX_PAYLOAD_BYTES }): ParseResult {
  const size = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
  if (size > limits.maxBytes) {
    return reject('too_large', `payload is ${size} bytes, the limit is ${limits.maxBytes}`);
  }
  let text: string;
  if (typeof payload === 'string') {
    text = payload;
  } else {
    try {
      text = strictUtf8.decode(payload);
    } catch {
      return reject('binary', 'payload is not valid UTF-8 text');
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return reject('invalid_json', `payload is not JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return reject('not_an_object', 'payload must be a JSON object {"version":1,"type":…,"data":{…}}');
  }
  const record = value as Record<string, unknown>;
  const data = record.data;
  const id =
    typeof data === 'object' && data !== null && typeof (data as Record<string, unknown>).id === 'string'
      ? ((data as Record<string, unknown>).id as string)
      : undefined;
  if (record.version !== PROTOCOL_VERSION) {
    return reject('unsupported_version', `version ${JSON.stringify(record.version)} is not supported; use 1`, id);
  }
  const type = record.type;
  if (!isOwnKey(outboundCommandSchemas, type)) {
    return reject(
      'unknown_type',
      `type ${JSON.stringify(type)} is not one the bot accepts (${OUTBOUND_TYPES.join(', ')})`,
      id,
    );
  }
  if (type === 'raw') return parseRaw(record);
  return parseSay(type, record, id);
}

/**
 * Whether the say schemas (privmsg, privmsg_action, notice) accept `record`'s
 * `data`, decided without zod's copy of it: the same verdict as
 * `outboundCommandSchemas[type].safeParse` for a record whose version and
 * type were checked (clients/protocol/outbound.test.ts checks that on random
 * payloads). parseSay asks zod only for a refusal's wording.
 */
export function sayDataAccepted(data: unknown): data is SayEnvelope['data'] {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return false;
  const { to, message, id, reply_to: replyTo } = data as Record<string, unknown>;
  if (typeof to !== 'string') {
    if (!Array.isArray(to) || to.length < 1 || to.length > 32) return false;
    for (const t of to) if (typeof t !== 'string') return false;
  }
  if (typeof message !== 'string') return false;
  if (id !== undefined && (typeof id !== 'string' || id.length > 128)) return false;
  if (replyTo !== undefined && (typeof replyTo !== 'string' || replyTo.length < 1 || replyTo.length > 256)) return false;
  return true;
}

function parseSay(type: SayType, record: Record<string, unknown>, id: string | undefined): ParseResult {
  let data: SayEnvelope['data'];
  if (sayDataAccepted(record.data)) data = record.data;
  else {
    const parsed = outboundCommandSchemas[type].safeParse(record);
    if (!parsed.success) return reject('invalid_field', describeIssues(parsed.error), id);
    data = parsed.data.data;
  }
  const { to, message, reply_to: replyTo } = data;
  const targets = [...new Set(typeof to === 'string' ? [to] : to)];
  for (const target of targets) {
    const problem = targetProblem(target);
    if (problem) return reject('bad_target', problem, id);
  }
  if (!/[^\r\n\x00]/.test(message)) return reject('empty_message', 'message has no text to send', id);
  const command: OutboundCommand = { kind: 'say', type, targets, message };
  if (id !== undefined) command.id = id;
  if (replyTo !== undefined) command.replyTo = replyTo;
  return { ok: true, command };
}

function parseRaw(record: Record<string, unknown>): ParseResult {
  const parsed = rawCommand.safeParse(record);
  if (!parsed.success) return reject('invalid_field', describeIssues(parsed.error));
  const line = parsed.data.command ?? parsed.data.data?.command;
  if (line === undefined) {
    return reject('invalid_field', 'raw needs a "command" string, at the top level or in data');
  }
  if (/[\r\n\x00]/.test(line)) return reject('bad_raw', 'raw command contains CR, LF or NUL');
  if (line.trim() === '') return reject('bad_raw', 'raw command is empty');
  return { ok: true, command: { kind: 'raw', line: line.trim() } };
}
