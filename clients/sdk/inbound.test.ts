import { decodeInbound } from './inbound';
import { INHERITED_NAMES } from '@zenrelay/protocol';

describe('decodeInbound', () => {
  it('returns a valid event, extra fields kept', () => {
    const decoded = decodeInbound('{"version":1,"type":"privmsg","data":{"sender":"a","channel":"#c","message":"hi","host":"h","x":1}}');
    expect(decoded).toEqual({ kind: 'event', event: { version: 1, type: 'privmsg', data: { sender: 'a', channel: '#c', message: 'hi', host: 'h', x: 1 } } });
  });

  it('says why a payload is invalid', () => {
    expect(decodeInbound('nope')).toMatchObject({ kind: 'invalid', reason: expect.stringMatching(/^not JSON/) });
    expect(decodeInbound('[]')).toEqual({ kind: 'invalid', reason: 'not a JSON object' });
    expect(decodeInbound('{"version":2,"type":"privmsg","data":{}}')).toEqual({ kind: 'invalid', reason: 'version 2 is not 1' });
    expect(decodeInbound('{"version":1,"data":{}}')).toEqual({ kind: 'invalid', reason: 'type is missing or not a string' });
    expect(decodeInbound('{"version":1,"type":"privmsg","data":{"sender":"a","channel":"#c"}}')).toMatchObject({
      kind: 'invalid',
      reason: expect.stringMatching(/^privmsg: data\.message/),
    });
  });

  it('tells an unknown type apart from a broken payload', () => {
    expect(decodeInbound('{"version":1,"type":"reaction","data":{}}')).toEqual({ kind: 'unknown_type', type: 'reaction' });
  });
});

describe('decodeInbound and names inherited from Object', () => {
  it.each(INHERITED_NAMES)('treats type %s as an unknown type, without calling anything', (type) => {
    expect(decodeInbound(`{"version":1,"type":${JSON.stringify(type)},"data":{}}`)).toEqual({ kind: 'unknown_type', type });
  });

  it.each(INHERITED_NAMES)('decodes a message from a user named %s', (nick) => {
    const decoded = decodeInbound(JSON.stringify({ version: 1, type: 'privmsg', data: { sender: nick, channel: '#c', message: 'hi' } }));
    expect(decoded).toEqual({ kind: 'event', event: { version: 1, type: 'privmsg', data: { sender: nick, channel: '#c', message: 'hi' } } });
  });
});
