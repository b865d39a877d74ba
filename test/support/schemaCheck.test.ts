import { INHERITED_NAMES } from '@zenrelay/protocol';
import { InEventCheck, inEventProblem } from './schemaCheck';

describe('inEventProblem (the committed JSON Schema, through ajv)', () => {
  it('accepts valid events of every kind', () => {
    expect(inEventProblem('{"version":1,"type":"privmsg","data":{"sender":"a","channel":"#c","message":"hi","account":"acc"}}')).toBeUndefined();
    expect(inEventProblem('{"version":1,"type":"names","data":{"channel":"#c","nicks":{"__proto__":"@","constructor":""}}}')).toBeUndefined();
  });

  it('names what is wrong with an invalid event', () => {
    expect(inEventProblem('{"version":1,"type":"join","data":{"sender":""}}')).toMatch(/\/data must have required property 'channel'/);
    expect(inEventProblem('{"version":1,"type":"kick","data":{"sender":"op","channel":"#c","reason":""}}')).toMatch(/kicked/);
    expect(inEventProblem('{"version":2,"type":"quit","data":{"sender":"a","reason":""}}')).toMatch(/\/version/);
    expect(inEventProblem('nope')).toBe('not JSON');
  });

  it.each(INHERITED_NAMES)('knows no schema for type %s', (type) => {
    expect(inEventProblem(`{"version":1,"type":${JSON.stringify(type)},"data":{}}`)).toMatch(/has no schema/);
  });

  it('fails a test with the invalid events it collected', () => {
    const check = new InEventCheck();
    check.check('{"version":1,"type":"nick","data":{"old":"a"}}');
    expect(() => check.assertAllValid()).toThrow(/1 event\(s\) on `in` do not match.*\n.*new/);
  });
});
