/**
 * fast-check arbitraries for fuzzing what comes from outside: envelopes for
 * `out`, `in` and the notices stream, made of arbitrary JSON, names inherited
 * from Object, control characters and oversized strings. Shared by the
 * property tests and the fuzzing integration test; pure.
 */
import fc from 'fast-check';
import { INBOUND_TYPES, OUTBOUND_TYPES } from '@zenrelay/protocol';
import { INHERITED_NAMES } from '@zenrelay/protocol';

/** Characters that break IRC lines or start CTCP/formatting, and their neighbours. */
const CONTROLS = ['\r', '\n', '\r\n', '\0', '\x01', '\x02', '\x03', '\x07', '\x0f', '\x1f', '\x7f', '\u2028', '\ufeff', ' ', ':', ',', '!', '#', '@'];

/** A string made of ordinary text, controls, emoji and combining marks. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(...INHERITED_NAMES),
  fc
    .array(fc.oneof(fc.constantFrom(...CONTROLS), fc.constantFrom('a', 'é', '😀', 'e\u0301', '👩‍👩‍👧', 'x'.repeat(40)), fc.string({ maxLength: 8 })), { maxLength: 40 })
    .map((parts) => parts.join('')),
  fc.integer({ min: 400, max: 1200 }).map((n) => 'word '.repeat(Math.ceil(n / 5)).slice(0, n)),
  fc.integer({ min: 100, max: 700 }).map((n) => 'ü'.repeat(n)),
);

/** Things that may stand where a type is expected. */
export const typeLike: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...OUTBOUND_TYPES, ...INBOUND_TYPES, ...INHERITED_NAMES, 'error', 'receipt', ''),
  nastyString,
  fc.jsonValue({ maxDepth: 1 }),
);

/** Things that may stand where a target is expected. */
export const targetLike: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom('#test', 'alice', '__proto__', 'constructor', '#a b', '#x,#y', ''),
  nastyString,
  fc.array(fc.oneof(fc.constantFrom('#test', 'alice', 'toString'), nastyString), { maxLength: 40 }),
  fc.jsonValue({ maxDepth: 1 }),
);

/** Any JSON value, or an object whose keys are names inherited from Object. */
const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.dictionary(fc.constantFrom(...INHERITED_NAMES), fc.jsonValue({ maxDepth: 1 })),
);

/** An object that looks more or less like an `out` command (or a notice's envelope). */
export const outboundLike: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    version: fc.oneof(fc.constant(1), fc.constant(1), fc.jsonValue({ maxDepth: 0 })),
    type: typeLike,
    command: fc.oneof(nastyString, fc.constantFrom('JOIN #x', 'PRIVMSG #test :hi', 'QUIT :bye', 'NAMES #test'), fc.jsonValue({ maxDepth: 0 })),
    data: fc.oneof(
      fc.record(
        {
          to: targetLike,
          message: fc.oneof(nastyString, fc.jsonValue({ maxDepth: 0 })),
          id: fc.oneof(nastyString, fc.jsonValue({ maxDepth: 0 })),
          command: fc.oneof(nastyString, fc.constantFrom('JOIN #x', 'TOPIC #test :t')),
        },
        { requiredKeys: [] },
      ),
      anyJson,
    ),
  },
  { requiredKeys: [] },
);

/** Valid-looking targets: channels and nicks, inherited names among them, up to the longest. */
const goodTarget = fc.oneof(
  fc.constantFrom('#test', 'alice', '__proto__', 'constructor', 'toString', '#' + 'c'.repeat(199), 'n'.repeat(64)),
  fc.stringMatching(/^#[a-z0-9_.-]{1,60}$/),
  fc.stringMatching(/^[a-z][a-z0-9_]{0,30}$/),
);

/** A command with the right shape: known type, valid targets, any text. Mostly accepted. */
export const outboundNearlyValid: fc.Arbitrary<Record<string, unknown>> = fc.record({
  version: fc.constant(1),
  type: fc.constantFrom(...OUTBOUND_TYPES),
  command: fc.constantFrom('JOIN #x', 'NAMES #test', 'TOPIC #test :' + 't'.repeat(480), 'PRIVMSG #test :hi'),
  data: fc.record(
    {
      to: fc.oneof(goodTarget, fc.array(goodTarget, { minLength: 1, maxLength: 6 })),
      message: nastyString,
      id: fc.string({ maxLength: 20 }),
    },
    { requiredKeys: ['to', 'message'] },
  ),
});

/** An object that looks more or less like an `in` event. */
export const inboundLike: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    version: fc.oneof(fc.constant(1), fc.constant(1), fc.jsonValue({ maxDepth: 0 })),
    type: typeLike,
    data: fc.oneof(
      fc.record(
        {
          sender: nastyString,
          channel: nastyString,
          message: fc.oneof(nastyString, fc.jsonValue({ maxDepth: 0 })),
          raw_message: nastyString,
          reason: nastyString,
          kicked: nastyString,
          old: nastyString,
          new: nastyString,
          topic: nastyString,
          nicks: fc.oneof(fc.dictionary(fc.oneof(fc.constantFrom(...INHERITED_NAMES), nastyString), fc.constantFrom('', '@', '+')), anyJson),
          server: nastyString,
          channels: fc.array(nastyString, { maxLength: 5 }),
          nick: nastyString,
        },
        { requiredKeys: [] },
      ),
      anyJson,
    ),
  },
  { requiredKeys: [] },
);

/** A payload as it may arrive on a channel: JSON of an envelope-like object or of anything, or plain text. */
export function payloadOf(envelopes: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: envelopes.map((e) => JSON.stringify(e)) },
    { weight: 2, arbitrary: anyJson.map((v) => JSON.stringify(v) ?? 'undefined') },
    { weight: 1, arbitrary: nastyString },
    // JSON with a literal "__proto__" key (JSON.stringify cannot write one).
    { weight: 1, arbitrary: typeLike.map((t) => `{"version":1,"type":${JSON.stringify(t) ?? 'null'},"__proto__":{"type":"privmsg"},"data":{"__proto__":{"to":"#test","message":"x"}}}`) },
  );
}

/** Payloads for `out` (and for the notices stream's `envelope` field): about half of them valid. */
export const outboundPayload = fc.oneof(payloadOf(outboundLike), outboundNearlyValid.map((e) => JSON.stringify(e)));
/** An event with every field any `in` type needs, as strings of any content: valid for its type. */
export const inboundNearlyValid: fc.Arbitrary<Record<string, unknown>> = fc.record({
  version: fc.constant(1),
  type: fc.constantFrom(...INBOUND_TYPES),
  data: fc.record({
    sender: nastyString,
    channel: nastyString,
    message: nastyString,
    raw_message: nastyString,
    reason: nastyString,
    kicked: nastyString,
    old: nastyString,
    new: nastyString,
    topic: nastyString,
    nicks: fc.dictionary(fc.oneof(fc.constantFrom(...INHERITED_NAMES), nastyString), fc.constantFrom('', '@', '+')),
    server: nastyString,
    channels: fc.array(nastyString, { maxLength: 5 }),
    nick: nastyString,
  }),
});

/** Payloads for `in`: about half of them valid events. */
export const inboundPayload = fc.oneof(payloadOf(inboundLike), inboundNearlyValid.map((e) => JSON.stringify(e)));

/** A whole notices-stream entry's field list: usually an `envelope` field, sometimes others or none. */
export const noticeFields: fc.Arbitrary<string[]> = fc.oneof(
  { weight: 6, arbitrary: outboundPayload.map((p) => ['envelope', p]) },
  { weight: 1, arbitrary: fc.array(fc.oneof(fc.constantFrom('envelope', ...INHERITED_NAMES), nastyString), { maxLength: 6 }) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...INHERITED_NAMES), outboundPayload).map(([k, p]) => [k, p, 'envelope', p]) },
);

/** Bytes a user name and a host take when the bot does not know its own (as the splitter assumes). */
const WORST_USER = 'u'.repeat(11);
const WORST_HOST = 'h'.repeat(63);

/**
 * Why `line` is not one IRC line of at most 512 bytes as the server relays it
 * (`:nick!user@host <line>\r\n`), or undefined. Unknown user/host parts are
 * taken at their worst case.
 */
export function lineProblem(line: string, identity: { nick: string; user?: string; host?: string }): string | undefined {
  if (/[\r\n\0]/.test(line)) return `line contains CR, LF or NUL: ${JSON.stringify(line)}`;
  const relayed = `:${identity.nick}!${identity.user ?? WORST_USER}@${identity.host ?? WORST_HOST} ${line}\r\n`;
  const bytes = Buffer.byteLength(relayed);
  return bytes > 512 ? `line is ${bytes} bytes as relayed: ${JSON.stringify(line.slice(0, 80))}…` : undefined;
}

/** Identities of the bot: the longest usual nick (30) with an unknown or a long user and host. */
export const identityLike = fc.record(
  {
    nick: fc.oneof(fc.constant('zenbot'), fc.constant('n'.repeat(30)), fc.stringMatching(/^[a-z][a-z0-9_]{0,29}$/)),
    user: fc.oneof(fc.constant('~zen'), fc.stringMatching(/^~?[a-z]{1,10}$/)),
    host: fc.oneof(fc.constant('localhost'), fc.stringMatching(/^[a-z0-9.-]{1,63}$/)),
  },
  { requiredKeys: ['nick'] },
);
