import fc from 'fast-check';
import { commandLines } from '../commandLines';
import { withoutCtcp } from './ctcpGuard';

const identity = { nick: 'zen', user: 'zenrelay', host: 'host.example' };

describe('withoutCtcp', () => {
  it('removes every CTCP delimiter and keeps the rest of the text', () => {
    expect(withoutCtcp('\x01VERSION\x01')).toBe('VERSION');
    expect(withoutCtcp('a\x01DCC SEND x 1 2 3\x01b')).toBe('aDCC SEND x 1 2 3b');
    expect(withoutCtcp('plain text')).toBe('plain text');
  });

  it('never leaves a \\x01 in any text (property)', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => !withoutCtcp(s).includes('\x01')));
  });
});

describe('out text cannot carry CTCP', () => {
  it.each(['privmsg', 'notice'] as const)('%s text with \\x01 becomes plain text', (type) => {
    const result = commandLines({ kind: 'say', type, targets: ['#ops'], message: '\x01VERSION\x01' }, { identity, rawAllow: [] });
    expect(result.ok && result.lines.map((l) => l.line)).toEqual([`${type === 'notice' ? 'NOTICE' : 'PRIVMSG'} #ops :VERSION`]);
  });

  it('an action keeps only its own CTCP frame', () => {
    const result = commandLines({ kind: 'say', type: 'privmsg_action', targets: ['#ops'], message: 'waves\x01\x01DCC SEND f 1 2 3' }, { identity, rawAllow: [] });
    expect(result.ok && result.lines.map((l) => l.line)).toEqual(['PRIVMSG #ops :\x01ACTION wavesDCC SEND f 1 2 3\x01']);
  });
});
