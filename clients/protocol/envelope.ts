import { z } from 'zod';

/** The only envelope version ZenIRCBot ever had, and the one we speak. */
export const PROTOCOL_VERSION = 1 as const;

/**
 * Fields the bot may add to any event's `data` when the IRC server provides
 * them (IRCv3 account-tag, server-time) or when they are known from the
 * sender's prefix. ZenIRCBot clients ignore them.
 */
export const eventMetaFields = {
  account: z.string().optional().describe('Services account of the sender (IRCv3 account-tag), when known'),
  host: z.string().optional().describe("Sender's hostname, from the IRC prefix"),
  ident: z.string().optional().describe("Sender's ident (user name), from the IRC prefix"),
  time: z.string().optional().describe('When the server saw the event (IRCv3 server-time), ISO 8601'),
  msgid: z.string().optional().describe('The server\'s id of the message (IRCv3 message-ids), for deduplication and replies'),
  bot: z.boolean().optional().describe('true when the sender marked itself a bot (IRCv3 `bot` tag, e.g. user mode +B)'),
};

/** Builds the schema of one envelope type: `{"version":1,"type":<type>,"data":<data>}`. */
export function envelopeSchema<T extends string, D extends z.ZodType>(type: T, data: D) {
  return z.looseObject({
    version: z.literal(PROTOCOL_VERSION),
    type: z.literal(type),
    data,
  });
}

/** An envelope as it travels on the wire, before its `data` is known to be valid. */
export interface Envelope<T extends string = string, D = unknown> {
  version: typeof PROTOCOL_VERSION;
  type: T;
  data: D;
  [extra: string]: unknown;
}

/** Wraps `data` in a version-1 envelope of the given type. */
export function envelope<T extends string, D>(type: T, data: D): Envelope<T, D> {
  return { version: PROTOCOL_VERSION, type, data };
}

/**
 * The id the bot gives every `in` event, top-level in the envelope
 * (`{"version":1,"type":…,"id":…,"data":…}`): the same on pub/sub and in the
 * `in` stream, so handlers can be idempotent and logs can be correlated.
 * ZenIRCBot-era clients ignore it; events from older bots have none.
 */
export const eventIdField = z.string().min(1).max(128).optional().describe('Event id, the same on `in` and in the `in` stream (absent from older bots)');

/** Builds the schema of one `in` event type: an envelope that may carry the event id. */
export function inboundEnvelopeSchema<T extends string, D extends z.ZodType>(type: T, data: D) {
  return envelopeSchema(type, data).extend({ id: eventIdField });
}
