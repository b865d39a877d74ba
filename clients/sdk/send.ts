/**
 * Building `out` envelopes in the SDK: checked with the bot's own parser
 * before anything is published, so a bad target or an empty message fails
 * in the caller with the same reason the bot would give, instead of turning
 * up later on the errors channel.
 */
import { envelope, parseOutbound, RejectionCode, SayType } from '@zenrelay/protocol';

/** Why a send failed: a protocol rejection code, or `redis` / `closed`. */
export type SendErrorCode = RejectionCode | 'redis' | 'closed';

export class SendError extends Error {
  override readonly name = 'SendError';

  constructor(
    readonly code: SendErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Recipients: one nick or channel, or several. */
export type Recipients = string | readonly string[];

/**
 * The JSON payload for a privmsg / privmsg_action / notice to `to`, or a
 * SendError saying what is wrong with it. `replyTo` is the msgid of the
 * message answered (threaded with +draft/reply where the server allows it).
 */
export function sayPayload(type: SayType, to: Recipients, message: string, id?: string, replyTo?: string): string {
  const data: { to: string | string[]; message: string; id?: string; reply_to?: string } = {
    to: typeof to === 'string' ? to : [...to],
    message,
  };
  if (id !== undefined) data.id = id;
  if (replyTo !== undefined && replyTo !== '') data.reply_to = replyTo;
  const payload = JSON.stringify(envelope(type, data));
  const result = parseOutbound(payload);
  if (!result.ok) {
    throw new SendError(result.rejection.code, `cannot send ${type} to ${JSON.stringify(to)}: ${result.rejection.reason}`);
  }
  return payload;
}
