import { decodeInbound } from './inbound';

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
