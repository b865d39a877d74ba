import fc from 'fast-check';
import { inboundEventSchemas, MESSAGE_TYPES, messageEventProblem, type InboundType } from './inbound';

const anyValue = fc.oneof(fc.string({ maxLength: 3 }), fc.boolean(), fc.integer(), fc.constant(undefined), fc.constant(null), fc.array(fc.string(), { maxLength: 1 }), fc.object({ maxDepth: 0 }));
/** A field that is mostly what the schema wants, sometimes anything. */
const mostly = (good: fc.Arbitrary<unknown>) => fc.oneof({ weight: 4, arbitrary: good }, { weight: 1, arbitrary: anyValue });
const optionalString = mostly(fc.oneof(fc.string({ maxLength: 3 }), fc.constant(undefined)));
const optionalBoolean = mostly(fc.oneof(fc.boolean(), fc.constant(undefined)));

const data = fc.record(
  {
    sender: mostly(fc.string({ maxLength: 3 })),
    channel: mostly(fc.string({ maxLength: 3 })),
    message: mostly(fc.string({ maxLength: 3 })),
    raw_message: mostly(fc.string({ maxLength: 3 })),
    account: optionalString,
    host: optionalString,
    ident: optionalString,
    time: optionalString,
    msgid: optionalString,
    bot: optionalBoolean,
    admin: optionalBoolean,
    extra: anyValue,
  },
  { requiredKeys: [] },
);

const envelope = fc.record(
  {
    version: mostly(fc.constant(1)),
    type: fc.constantFrom<InboundType>(...MESSAGE_TYPES),
    id: mostly(fc.oneof(fc.string({ minLength: 0, maxLength: 130 }), fc.constant(undefined))),
    data: mostly(data),
  },
  { requiredKeys: ['type'] },
);

describe('messageEventProblem', () => {
  it('accepts and refuses exactly what the schema of each message type does (property)', () => {
    fc.assert(
      fc.property(envelope, (event) => {
        const schemaSays = inboundEventSchemas[event.type].safeParse(event).success;
        expect(messageEventProblem(event) === undefined).toBe(schemaSays);
      }),
      { numRuns: 5000 },
    );
  });

  it('agrees with the schemas at every bound of the id', () => {
    for (const id of ['', 'x', 'x'.repeat(128), 'x'.repeat(129), undefined, 7]) {
      const event = { version: 1, type: 'privmsg' as const, id, data: { sender: 'a', channel: '#c', message: 'm' } };
      expect([id, messageEventProblem(event) === undefined]).toEqual([id, inboundEventSchemas.privmsg.safeParse(event).success]);
    }
  });

  it('names the first problem', () => {
    expect(messageEventProblem({ version: 1, type: 'privmsg', data: { sender: 'a', channel: '#c', message: 'hi' } })).toBeUndefined();
    expect(messageEventProblem({ version: 1, type: 'privmsg', data: { sender: 'a', channel: 7, message: 'hi' } })).toBe('data.channel: must be a string');
    expect(messageEventProblem({ version: 1, type: 'directed_privmsg', data: { sender: 'a', channel: '#c', message: 'hi' } })).toBe('data.raw_message: must be a string');
    expect(messageEventProblem({ version: 1, type: 'join', data: {} })).toBe('type: not a message type');
    expect(messageEventProblem({ version: 1, type: 'constructor', data: {} })).toBe('type: not a message type');
  });
});
