import { decideNotice, entryTimeMs, fieldValue, noticeId, type DecideContext } from './noticeEntry';
import { INHERITED_NAMES } from '@zenrelay/protocol';
import { isPermanentRedisError } from './noticeStream';

const NOW = 1_700_000_100_000;
const context: DecideContext = {
  nowMs: NOW,
  maxAgeMs: 60_000,
  maxBytes: 16384,
  identity: { nick: 'zenbot', user: '~zen', host: 'localhost' },
  rawAllow: ['JOIN'],
};
const entry = (envelope: unknown, atMs = NOW - 1000) => ({
  entryId: `${atMs}-0`,
  fields: ['envelope', typeof envelope === 'string' ? envelope : JSON.stringify(envelope)],
});
const say = (data: Record<string, unknown>, type = 'privmsg') => ({ version: 1, type, data });

describe('decideNotice', () => {
  it('sends a valid notice as one line per target and text line, keyed by target', () => {
    const decision = decideNotice(entry(say({ to: ['#Ops', 'alice'], message: 'one\ntwo', id: 'n-1' })), context);
    expect(decision).toEqual({
      kind: 'send',
      id: 'n-1',
      entryId: `${NOW - 1000}-0`,
      ageMs: 1000,
      lines: [
        { key: '#ops', line: 'PRIVMSG #Ops :one' },
        { key: '#ops', line: 'PRIVMSG #Ops :two' },
        { key: 'alice', line: 'PRIVMSG alice :one' },
        { key: 'alice', line: 'PRIVMSG alice :two' },
      ],
    });
  });

  it('sends actions and notices as such', () => {
    expect(decideNotice(entry(say({ to: '#a', message: 'waves' }, 'privmsg_action')), context)).toMatchObject({ lines: [{ line: 'PRIVMSG #a :\x01ACTION waves\x01' }] });
    expect(decideNotice(entry(say({ to: '#a', message: 'psst' }, 'notice')), context)).toMatchObject({ lines: [{ line: 'NOTICE #a :psst' }] });
  });

  it('uses the stream entry id when the notice has no id', () => {
    expect(decideNotice(entry(say({ to: '#a', message: 'x' })), context)).toMatchObject({ kind: 'send', id: `${NOW - 1000}-0` });
    expect(noticeId('1-0', '')).toBe('1-0');
  });

  it.each([
    ['a bad target', say({ to: 'no spaces', message: 'x', id: 'b' }), 'bad_target', 'b'],
    ['invalid JSON', '{"version":1', 'invalid_json', undefined],
    ['an oversize envelope', say({ to: '#a', message: 'x'.repeat(20000), id: 'big' }), 'too_large', 'big'],
    ['an empty message', say({ to: '#a', message: '\n', id: 'e' }), 'empty_message', 'e'],
    ['a raw command', { version: 1, type: 'raw', command: 'JOIN #x' }, 'unknown_type', undefined],
    ['a missing field', say({ to: '#a', id: 'm' }), 'invalid_field', 'm'],
  ])('rejects %s with the reason', (_name, envelope, code, id) => {
    const decision = decideNotice(entry(envelope), context);
    expect(decision).toMatchObject({ kind: 'rejected', code, id: id ?? `${NOW - 1000}-0` });
    if (decision.kind === 'rejected') expect(decision.reason.length).toBeGreaterThan(10);
  });

  it('rejects an entry without the envelope field, naming the layout', () => {
    const decision = decideNotice({ entryId: '5-0', fields: ['message', 'hi'] }, context);
    expect(decision).toMatchObject({ kind: 'rejected', id: '5-0', code: 'invalid_field', reason: expect.stringMatching(/no "envelope" field \(fields: message\)/) });
  });

  it('expires a notice older than the maximum age, and only then', () => {
    const old = decideNotice(entry(say({ to: '#a', message: 'x', id: 'old' }), NOW - 61_000), context);
    expect(old).toMatchObject({ kind: 'expired', id: 'old', code: 'expired', reason: expect.stringMatching(/queued 61 s ago.*60 s/) });
    expect(decideNotice(entry(say({ to: '#a', message: 'x' }), NOW - 59_000), context).kind).toBe('send');
    expect(decideNotice(entry(say({ to: '#a', message: 'x' }), NOW - 86_400_000), { ...context, maxAgeMs: 0 }).kind).toBe('send');
  });

  it('reports an entry whose data is gone', () => {
    expect(decideNotice({ entryId: '7-0', fields: null }, context)).toEqual({ kind: 'gone', entryId: '7-0' });
  });
});

describe('stream entry helpers', () => {
  it('read ids and fields', () => {
    expect(entryTimeMs('1700000000000-3')).toBe(1_700_000_000_000);
    expect(entryTimeMs('x')).toBeNaN();
    expect(fieldValue(['a', '1', 'envelope', '{}'], 'envelope')).toBe('{}');
    expect(fieldValue(['a'], 'a')).toBeUndefined();
  });
});

describe('decideNotice and bad entries', () => {
  it.each(INHERITED_NAMES)('rejects type %s as unknown_type under the notice id', (type) => {
    expect(decideNotice(entry(say({ to: '#a', message: 'x', id: `n-${type}` }, type)), context)).toMatchObject({ kind: 'rejected', id: `n-${type}`, code: 'unknown_type' });
  });

  it('rejects a raw notice under its data.id, where the publisher looks for the fate', () => {
    expect(decideNotice(entry({ version: 1, type: 'raw', command: 'JOIN #x', data: { id: 'raw-1' } }), context)).toMatchObject({ kind: 'rejected', id: 'raw-1', code: 'unknown_type' });
  });
});

describe('isPermanentRedisError', () => {
  const reply = (message: string) => Object.assign(new Error(message), { name: 'ReplyError' });

  it('is true for a refusal that retrying cannot cure', () => {
    expect(isPermanentRedisError(reply('WRONGTYPE Operation against a key holding the wrong kind of value'))).toBe(true);
    expect(isPermanentRedisError(reply("ERR wrong number of arguments for 'hset' command"))).toBe(true);
  });

  it('is false for lost connections, a missing group and passing server states', () => {
    expect(isPermanentRedisError(new Error('Connection is closed.'))).toBe(false);
    for (const message of ['NOGROUP No such key', 'LOADING Redis is loading', 'OOM command not allowed', 'READONLY You can\'t write', 'BUSY Redis is busy']) {
      expect(isPermanentRedisError(reply(message))).toBe(false);
    }
  });
});
