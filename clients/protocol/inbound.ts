import { z } from 'zod';
import { inboundEnvelopeSchema as envelopeSchema, eventMetaFields, PROTOCOL_VERSION } from './envelope';

/**
 * Events the bot publishes on `in`. Field names are ZenIRCBot 2.x's; every
 * field ZenIRCBot had is kept, new ones are only added.
 */

const messageData = z.looseObject({
  sender: z.string().describe('Nick of the sender'),
  channel: z.string().describe("Channel the message was said in; the sender's nick for a private message"),
  message: z.string().describe('The text'),
  ...eventMetaFields,
});

export const privmsgEvent = envelopeSchema('privmsg', messageData).describe(
  'A message said in a channel the bot is in, or privately to the bot.',
);

export const privmsgActionEvent = envelopeSchema('privmsg_action', messageData).describe(
  'A /me action (CTCP ACTION); `message` is the text without the ACTION wrapper.',
);

export const directedPrivmsgEvent = envelopeSchema(
  'directed_privmsg',
  messageData.extend({
    raw_message: z.string().describe('The text as said, address included'),
    admin: z
      .boolean()
      .optional()
      .describe(
        'Set by the bot, the only party that can verify it: true when the sender matches ZEN_ADMINS (a services account the server vouched for, ' +
          'or a nick!user@host mask); false otherwise. Absent from older bots and ZenIRCBot: treat as false.',
      ),
  }),
).describe(
  'Published besides `privmsg` when the text is addressed to the bot (`<botnick>: …`, `<botnick>, …`), ' +
    'starts with the command prefix (`!`), or is a private message. `message` has the address removed.',
);

export const noticeEvent = envelopeSchema('notice', messageData).describe(
  'A NOTICE from a user (never from a server) to a channel or to the bot. Never answer a notice automatically.',
);

export const joinEvent = envelopeSchema(
  'join',
  z.looseObject({
    sender: z.string().describe('Nick that joined (the bot itself included)'),
    channel: z.string(),
    ...eventMetaFields,
  }),
).describe('Somebody, the bot included, joined a channel.');

export const partEvent = envelopeSchema(
  'part',
  z.looseObject({
    sender: z.string(),
    channel: z.string(),
    reason: z.string().describe('Part message, empty when none was given'),
    ...eventMetaFields,
  }),
).describe('Somebody left a channel.');

export const quitEvent = envelopeSchema(
  'quit',
  z.looseObject({
    sender: z.string(),
    reason: z.string().describe('Quit message, empty when none was given'),
    ...eventMetaFields,
  }),
).describe('Somebody disconnected from IRC.');

export const kickEvent = envelopeSchema(
  'kick',
  z.looseObject({
    sender: z.string().describe('Nick that kicked'),
    channel: z.string(),
    kicked: z.string().describe('Nick that was kicked'),
    reason: z.string(),
    ...eventMetaFields,
  }),
).describe('Somebody was kicked from a channel.');

export const nickEvent = envelopeSchema(
  'nick',
  z.looseObject({
    old: z.string(),
    new: z.string(),
    ...eventMetaFields,
  }),
).describe('Somebody, the bot included, changed nick.');

export const topicEvent = envelopeSchema(
  'topic',
  z.looseObject({
    sender: z.string().describe('Who set the topic (on join: who set it last)'),
    channel: z.string(),
    topic: z.string(),
    ...eventMetaFields,
  }),
).describe('A topic was set, or the bot learned a channel topic on joining.');

export const namesEvent = envelopeSchema(
  'names',
  z.looseObject({
    channel: z.string(),
    nicks: z.record(z.string(), z.string()).describe('Nick → prefix (`@`, `+`, `` for none)'),
  }),
).describe('Who is in a channel: after the bot joins, or after a NAMES reply.');

export const connectedEvent = envelopeSchema(
  'connected',
  z.looseObject({
    server: z.string().describe('IRC host the bot connected to'),
    channels: z.array(z.string()).describe('Channels the bot is in'),
    nick: z.string().describe("The bot's nick on this connection"),
  }),
).describe('The bot registered with the IRC server and joined its channels (after every reconnect too).');

export const inboundEventSchemas = {
  privmsg: privmsgEvent,
  privmsg_action: privmsgActionEvent,
  directed_privmsg: directedPrivmsgEvent,
  notice: noticeEvent,
  join: joinEvent,
  part: partEvent,
  quit: quitEvent,
  kick: kickEvent,
  nick: nickEvent,
  topic: topicEvent,
  names: namesEvent,
  connected: connectedEvent,
} as const;

export const inboundEvent = z.discriminatedUnion('type', [
  privmsgEvent,
  privmsgActionEvent,
  directedPrivmsgEvent,
  noticeEvent,
  joinEvent,
  partEvent,
  quitEvent,
  kickEvent,
  nickEvent,
  topicEvent,
  namesEvent,
  connectedEvent,
]);

export type InboundEvent = z.infer<typeof inboundEvent>;
export type InboundType = InboundEvent['type'];
/** The envelope of one `in` type, e.g. `InboundOf<'privmsg'>`. */
export type InboundOf<T extends InboundType> = Extract<InboundEvent, { type: T }>;
/** The `data` of one `in` type. */
export type InboundData<T extends InboundType> = InboundOf<T>['data'];
export type MessageEventData = z.infer<typeof messageData>;

export const INBOUND_TYPES = Object.keys(inboundEventSchemas) as InboundType[];

/** The `in` types whose data is a message (`messageData`): the ones a busy channel produces by the thousand. */
export const MESSAGE_TYPES: ReadonlySet<InboundType> = new Set<InboundType>(['privmsg', 'privmsg_action', 'notice', 'directed_privmsg']);

const OPTIONAL_STRINGS = ['account', 'host', 'ident', 'time', 'msgid'] as const;

/**
 * What the schema of a message type (MESSAGE_TYPES) would refuse in `event`,
 * found without parsing a copy of it (zod builds one per call): undefined
 * when the schema accepts it, else the first problem, as `path: message`.
 * Accepts and refuses exactly what `inboundEventSchemas[type].safeParse`
 * does (clients/protocol/inbound.test.ts checks that on random envelopes).
 * The bot checks each message it publishes with it; other types go through
 * the schemas.
 */
export function messageEventProblem(event: { version?: unknown; type?: unknown; id?: unknown; data?: unknown }): string | undefined {
  if (event.version !== PROTOCOL_VERSION) return 'version: must be 1';
  if (typeof event.type !== 'string' || !MESSAGE_TYPES.has(event.type as InboundType)) return 'type: not a message type';
  if (event.id !== undefined && (typeof event.id !== 'string' || event.id.length < 1 || event.id.length > 128)) return 'id: must be a string of 1 to 128 characters';
  const data = event.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return 'data: must be an object';
  const fields = data as Record<string, unknown>;
  const required = event.type === 'directed_privmsg' ? ['sender', 'channel', 'message', 'raw_message'] : ['sender', 'channel', 'message'];
  for (const name of required) if (typeof fields[name] !== 'string') return `data.${name}: must be a string`;
  for (const name of OPTIONAL_STRINGS) if (fields[name] !== undefined && typeof fields[name] !== 'string') return `data.${name}: must be a string`;
  if (fields.bot !== undefined && typeof fields.bot !== 'boolean') return 'data.bot: must be a boolean';
  if (event.type === 'directed_privmsg' && fields.admin !== undefined && typeof fields.admin !== 'boolean') return 'data.admin: must be a boolean';
  return undefined;
}
