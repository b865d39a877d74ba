import { z } from 'zod';
import { envelopeSchema } from './envelope';

/**
 * Durable notices: outbound messages that go through a Redis Stream instead
 * of the `out` pub/sub channel, so none is lost while the bot is down.
 *
 * - Publishers XADD one entry per notice to the notices stream (names.ts),
 *   with one field, `envelope`: a `privmsg`, `privmsg_action` or `notice`
 *   envelope exactly as on `out`, whose `data.id` is the notice id.
 * - The bot reads the stream through a consumer group and acknowledges (then
 *   deletes) an entry once every IRC line of it was written to the server.
 * - Each notice's fate is kept in a hash `<noticePrefix><id>` (fields below,
 *   all strings) and announced as a `receipt` envelope on the receipts channel.
 *
 * docs/notices.md is the full description.
 */

/** The stream field holding the JSON envelope. */
export const NOTICE_ENTRY_FIELD = 'envelope';

/** Consumer group of the bot on the notices stream (one group per stream). */
export const NOTICE_GROUP = 'zenrelay-bot';

/** Consumer name the bot reads as; fixed, so a restarted bot finds its own pending entries. */
export const NOTICE_CONSUMER = 'bot';

/** Where a notice is in its life. `queued` is set by the publisher; the others by the bot. */
export const NOTICE_STATES = ['queued', 'sent', 'rejected', 'expired'] as const;
export type NoticeState = (typeof NOTICE_STATES)[number];

/** States that do not change any more. */
export const FINAL_NOTICE_STATES = ['sent', 'rejected', 'expired'] as const;
export type FinalNoticeState = (typeof FINAL_NOTICE_STATES)[number];

export function isFinalNoticeState(state: string | undefined): state is FinalNoticeState {
  return (FINAL_NOTICE_STATES as readonly string[]).includes(state ?? '');
}

/** Longest notice id (the same limit as `data.id` on `out`). */
export const NOTICE_ID_MAX = 128;

/** Default time a fate hash is kept, in seconds (7 days). */
export const DEFAULT_NOTICE_FATE_TTL_SECONDS = 604_800;

/** What became of a notice at one of its targets (a notice to several targets has one per target). */
export const targetOutcome = z
  .looseObject({
    target: z.string().describe('The nick or channel, as the notice named it'),
    state: z.enum(['sent', 'rejected']).describe('sent: the server accepted every line; rejected: it refused one'),
    code: z.string().optional().describe('For rejected: machine-readable (no_such_nick, cannot_send_to_channel, fail_<code>…)'),
    reason: z.string().optional().describe("For rejected: the server's reason, in its words"),
    numeric: z.string().optional().describe('For rejected: the reply that refused it (401, 404…, or FAIL)'),
  })
  .describe('The outcome of a notice at one target.');

export type TargetOutcome = z.infer<typeof targetOutcome>;

/**
 * The fate hash, as read with HGETALL. Every field is a string; times are ISO
 * 8601. Unknown fields are kept.
 */
export const noticeFate = z
  .looseObject({
    state: z.enum(NOTICE_STATES).describe('queued (publisher), then sent, rejected or expired (bot)'),
    code: z.string().optional().describe('Why it was rejected or expired, machine-readable (bad_target, too_large, expired…)'),
    reason: z.string().optional().describe('Why it was rejected or expired, in words'),
    to: z.string().optional().describe('Targets, comma-separated (set by the publisher)'),
    type: z.string().optional().describe('privmsg, privmsg_action or notice (set by the publisher)'),
    queued_at: z.string().optional().describe('When the publisher queued it'),
    done_at: z.string().optional().describe('When the bot finished it (sent, rejected or expired)'),
    entry: z.string().optional().describe('The stream entry id it travelled as'),
    targets: z.string().optional().describe('Once its lines went out: the outcome at each target, a JSON array of target outcomes'),
  })
  .describe('What happened to one notice: the hash <noticePrefix><id>.');

export type NoticeFate = z.infer<typeof noticeFate>;

/**
 * Published by the bot on the receipts channel when a notice is finished,
 * right after the fate hash is written (in the same transaction).
 */
export const receiptEvent = envelopeSchema(
  'receipt',
  z.looseObject({
    id: z.string().describe("The notice id (the envelope's data.id, or the stream entry id when it had none)"),
    state: z.enum(FINAL_NOTICE_STATES).describe('sent, rejected or expired'),
    code: z.string().optional().describe('For rejected and expired: machine-readable reason'),
    reason: z.string().optional().describe('For rejected and expired: the reason in words'),
    entry: z.string().describe('The stream entry id'),
    at: z.string().describe('When the bot finished it, ISO 8601'),
    targets: z.array(targetOutcome).optional().describe('Once its lines went out: the outcome at each target'),
  }),
).describe('The fate of one durable notice.');

export type ReceiptEvent = z.infer<typeof receiptEvent>;

/** The `targets` field of a fate hash as a list; [] when absent or unreadable. */
export function parseTargetOutcomes(json: string | undefined): TargetOutcome[] {
  if (json === undefined || json === '') return [];
  try {
    const parsed = z.array(targetOutcome).safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

/** Reads a fate hash (HGETALL result); undefined when the hash does not exist or is not a fate. */
export function parseNoticeFate(hash: Record<string, string>): NoticeFate | undefined {
  if (Object.keys(hash).length === 0) return undefined;
  const parsed = noticeFate.safeParse(hash);
  return parsed.success ? parsed.data : undefined;
}
