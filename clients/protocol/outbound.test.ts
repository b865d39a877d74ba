import fc from 'fast-check';
import { outboundCommandSchemas, parseOutbound, sayDataAccepted } from './outbound';
import { INHERITED_NAMES } from './inheritedNames';

const ok = (payload: unknown) => {
  const result = parseOutbound(typeof payload === 'string' ? payload : JSON.stringify(payload));
  if (!result.ok) throw new Error(`expected ok, got ${result.rejection.code}: ${result.rejection.reason}`);
  return result.command;
};
const code = (payload: unknown) => {
  const result = parseOutbound(Buffer.isBuffer(payload) ? payload : typeof payload === 'string' ? payload : JSON.stringify(payload));
  return result.ok ? 'ok' : result.rejection.code;
};

describe('parseOutbound', () => {
  it("accepts ZenIRCBot's privmsg exactly as its clients send it", () => {
    expect(ok({ version: 1, type: 'privmsg', data: { to: '#chan', message: 'hi' } })).toEqual({
      kind: 'say',
      type: 'privmsg',
      targets: ['#chan'],
      message: 'hi',
    });
  });

  it('accepts an array of targets, de-duplicated, and extra fields', () => {
    const cmd = ok({ version: 1, type: 'notice', data: { to: ['#a', 'bob', '#a'], message: 'x', extra: true }, more: 1 });
    expect(cmd).toMatchObject({ kind: 'say', type: 'notice', targets: ['#a', 'bob'] });
  });

  it('accepts raw with command at the top level (API) or in data (docs)', () => {
    expect(ok({ version: 1, type: 'raw', command: 'JOIN #x' })).toEqual({ kind: 'raw', line: 'JOIN #x' });
    expect(ok({ version: 1, type: 'raw', data: { command: 'PART #x :bye' } })).toEqual({ kind: 'raw', line: 'PART #x :bye' });
  });

  it('keeps the sender id for error reports', () => {
    const result = parseOutbound(JSON.stringify({ version: 1, type: 'privmsg', data: { to: 'bad target', message: 'x', id: 'n-1' } }));
    expect(result).toEqual({ ok: false, rejection: expect.objectContaining({ code: 'bad_target', id: 'n-1' }) });
  });

  it.each([
    ['invalid JSON', '{"version":1,', 'invalid_json'],
    ['a JSON array', '[1,2]', 'not_an_object'],
    ['a JSON string', '"hi"', 'not_an_object'],
    ['null', 'null', 'not_an_object'],
    ['version 2', { version: 2, type: 'privmsg', data: { to: '#a', message: 'x' } }, 'unsupported_version'],
    ['version "1" as a string', { version: '1', type: 'privmsg', data: { to: '#a', message: 'x' } }, 'unsupported_version'],
    ['no version', { type: 'privmsg', data: { to: '#a', message: 'x' } }, 'unsupported_version'],
    ['an unknown type', { version: 1, type: 'explode', data: {} }, 'unknown_type'],
    ['a numeric to (py3 API bug)', { version: 1, type: 'privmsg', data: { to: 35, message: 'x' } }, 'invalid_field'],
    ['no message', { version: 1, type: 'privmsg', data: { to: '#a' } }, 'invalid_field'],
    ['no data', { version: 1, type: 'privmsg' }, 'invalid_field'],
    ['an empty to array', { version: 1, type: 'privmsg', data: { to: [], message: 'x' } }, 'invalid_field'],
    ['CRLF in a target', { version: 1, type: 'privmsg', data: { to: '#a\r\nQUIT', message: 'x' } }, 'bad_target'],
    ['NUL in a target', { version: 1, type: 'privmsg', data: { to: 'bob\u0000', message: 'x' } }, 'bad_target'],
    ['a space in a target', { version: 1, type: 'privmsg', data: { to: '#a b', message: 'x' } }, 'bad_target'],
    ['a comma in a target', { version: 1, type: 'privmsg', data: { to: '#a,#b', message: 'x' } }, 'bad_target'],
    ['an empty message', { version: 1, type: 'privmsg', data: { to: '#a', message: '' } }, 'empty_message'],
    ['a message of only newlines', { version: 1, type: 'privmsg', data: { to: '#a', message: '\r\n\n' } }, 'empty_message'],
    ['raw without command', { version: 1, type: 'raw', data: {} }, 'invalid_field'],
    ['raw with CRLF', { version: 1, type: 'raw', command: 'JOIN #a\r\nQUIT :pwned' }, 'bad_raw'],
    ['raw with NUL', { version: 1, type: 'raw', data: { command: 'JOIN #a\u0000' } }, 'bad_raw'],
    ['raw with a numeric command', { version: 1, type: 'raw', command: 5 }, 'invalid_field'],
  ])('rejects %s', (_name, payload, expected) => {
    expect(code(payload)).toBe(expected);
  });

  it('rejects binary and oversize payloads before parsing them', () => {
    expect(code(Buffer.from([0xff, 0xfe, 0x00, 0x41]))).toBe('binary');
    const big = JSON.stringify({ version: 1, type: 'privmsg', data: { to: '#a', message: 'x'.repeat(20000) } });
    expect(code(big)).toBe('too_large');
    expect(parseOutbound(big, { maxBytes: 30000 }).ok).toBe(true);
  });

  it('gives reasons a person can act on', () => {
    const result = parseOutbound(JSON.stringify({ version: 1, type: 'privmsg', data: { to: 35, message: 'x' } }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.rejection.reason).toMatch(/data\.to/);
  });
});

describe('parseOutbound and names inherited from Object', () => {
  it.each(INHERITED_NAMES)('rejects type %s as unknown_type, with the list of types', (type) => {
    const result = parseOutbound(`{"version":1,"type":${JSON.stringify(type)},"data":{"to":"#a","message":"x"}}`);
    expect(result).toEqual({ ok: false, rejection: { code: 'unknown_type', reason: expect.stringMatching(/privmsg, privmsg_action, notice, raw/) } });
  });

  it.each(INHERITED_NAMES)('accepts %s as a nick to send to (a valid IRC nick)', (nick) => {
    const result = parseOutbound(JSON.stringify({ version: 1, type: 'privmsg', data: { to: nick, message: 'x' } }));
    expect(result).toEqual({ ok: true, command: { kind: 'say', type: 'privmsg', targets: [nick], message: 'x' } });
  });
});

describe('sayDataAccepted', () => {
  const anyValue = fc.oneof(fc.string({ maxLength: 3 }), fc.boolean(), fc.integer(), fc.constant(undefined), fc.constant(null), fc.object({ maxDepth: 0 }));
  const mostly = (good: fc.Arbitrary<unknown>) => fc.oneof({ weight: 4, arbitrary: good }, { weight: 1, arbitrary: anyValue });
  const data = fc.record(
    {
      to: mostly(fc.oneof(fc.string({ maxLength: 4 }), fc.array(fc.string({ maxLength: 2 }), { minLength: 0, maxLength: 34, size: 'max' }), fc.array(mostly(fc.string({ maxLength: 4 })), { maxLength: 3 }))),
      message: mostly(fc.string({ maxLength: 4 })),
      id: mostly(fc.oneof(fc.constant(undefined), fc.string({ maxLength: 130, size: 'max' }))),
      reply_to: mostly(fc.oneof(fc.constant(undefined), fc.string({ minLength: 0, maxLength: 258, size: 'max' }))),
      extra: anyValue,
    },
    { requiredKeys: [] },
  );

  it('accepts exactly what the say schemas accept (property)', () => {
    fc.assert(
      fc.property(fc.constantFrom('privmsg', 'privmsg_action', 'notice' as const), mostly(data), (type, d) => {
        expect(sayDataAccepted(d)).toBe(outboundCommandSchemas[type].safeParse({ version: 1, type, data: d }).success);
      }),
      { numRuns: 5000 },
    );
  });

  it('agrees with the schemas at every bound', () => {
    const x = (n: number) => 'x'.repeat(n);
    const cases: unknown[] = [
      { to: Array(32).fill('#a'), message: '' },
      { to: Array(33).fill('#a'), message: '' },
      { to: [], message: 'm' },
      { to: '#a', message: 'm', id: x(128) },
      { to: '#a', message: 'm', id: x(129) },
      { to: '#a', message: 'm', reply_to: '' },
      { to: '#a', message: 'm', reply_to: x(256) },
      { to: '#a', message: 'm', reply_to: x(257) },
      { to: '#a', message: 'm', id: undefined, reply_to: undefined },
      { to: ['#a', 7], message: 'm' },
      { message: 'm' },
      [],
      null,
    ];
    for (const d of cases) expect([d, sayDataAccepted(d)]).toEqual([d, privmsgAccepts(d)]);
  });
});

function privmsgAccepts(data: unknown): boolean {
  return outboundCommandSchemas.privmsg.safeParse({ version: 1, type: 'privmsg', data }).success;
}
