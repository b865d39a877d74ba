/** commandLines: every line it makes is one IRC line of at most 512 bytes as relayed (fast-check, fixed seed). */
import fc from 'fast-check';
import { REJECTION_CODES, type OutboundCommand } from '@zenrelay/protocol';
import { identityLike, lineProblem, nastyString } from '../test/support/fuzz';
import { commandLines, rawMaxBytes } from './commandLines';
import { isRelayedCommand } from './irc/lineWriter';

const RUNS = { numRuns: 2000, seed: 0x8a };
const rawAllow = ['JOIN', 'PART', 'NAMES', 'TOPIC', 'KICK', 'PRIVMSG'];

const target = fc.oneof(
  fc.constantFrom('#test', 'alice', '__proto__', 'constructor', '#' + 'c'.repeat(199), 'n'.repeat(64)),
  fc.stringMatching(/^#[^\s,\x00\x07]{1,199}$/),
);

const sayCommand: fc.Arbitrary<OutboundCommand> = fc.record({
  kind: fc.constant('say' as const),
  type: fc.constantFrom('privmsg' as const, 'privmsg_action' as const, 'notice' as const),
  targets: fc.uniqueArray(target, { minLength: 1, maxLength: 5 }),
  message: nastyString,
});

const rawCommand: fc.Arbitrary<OutboundCommand> = fc
  .tuple(fc.constantFrom('JOIN', 'TOPIC', 'PART', 'KICK', 'PRIVMSG', 'QUIT', 'join'), nastyString)
  .map(([verb, rest]) => `${verb} ${rest}`.replace(/[\r\n\0]/g, ' ').trim())
  .filter((line) => line !== '')
  .map((line) => ({ kind: 'raw' as const, line }));

describe('commandLines, fuzzed', () => {
  it('makes only clean lines of at most 512 bytes as relayed, or rejects with a code', () => {
    fc.assert(
      fc.property(fc.oneof(sayCommand, rawCommand), identityLike, (command, identity) => {
        const result = commandLines(command, { identity, rawAllow });
        if (!result.ok) {
          expect(REJECTION_CODES).toContain(result.rejection.code);
          expect(result.rejection.reason.length).toBeGreaterThan(0);
          return;
        }
        for (const { line } of result.lines) {
          // JOIN and NAMES are not relayed as written (the server relays one JOIN per channel): they only have to fit themselves.
          if (command.kind === 'raw' && !isRelayedCommand(line.split(' ', 1)[0])) {
            expect(/[\r\n\0]/.test(line)).toBe(false);
            expect(Buffer.byteLength(line)).toBeLessThanOrEqual(510);
          } else {
            expect(lineProblem(line, identity)).toBeUndefined();
          }
        }
      }),
      RUNS,
    );
  });
});

describe('raw lines and the relay prefix', () => {
  const identity = { nick: 'zenbot', user: '~zen', host: 'h'.repeat(61) };
  const topic = (bytes: number) => `TOPIC #test :${'t'.repeat(bytes - 'TOPIC #test :'.length)}`;

  it('rejects a raw line that would pass 512 bytes once relayed with the bot prefix', () => {
    const max = rawMaxBytes(identity);
    expect(max).toBe(512 - 2 - ':zenbot!~zen@ '.length - 61);
    expect(commandLines({ kind: 'raw', line: topic(max) }, { identity, rawAllow })).toMatchObject({ ok: true });
    expect(commandLines({ kind: 'raw', line: topic(max + 1) }, { identity, rawAllow })).toMatchObject({ ok: false, rejection: { code: 'bad_raw' } });
    expect(commandLines({ kind: 'raw', line: topic(502) }, { identity, rawAllow })).toMatchObject({ ok: false, rejection: { code: 'bad_raw' } });
  });

  it('counts an unknown user and host at their worst', () => {
    expect(rawMaxBytes({ nick: 'zenbot' })).toBe(512 - 2 - (1 + 6 + 1 + 11 + 1 + 63 + 1));
  });
});
