/** Property-based fuzzing of parseOutbound with arbitrary payloads (fast-check, fixed seed). */
import fc from 'fast-check';
import { commandLines } from './commandLines';
import { identityLike, lineProblem, outboundPayload } from '../test/support/fuzz';
import { parseOutbound, REJECTION_CODES } from '@zenrelay/protocol';

const RUNS = { numRuns: 3000, seed: 0x8a };

describe('parseOutbound, fuzzed', () => {
  it('never throws; rejects with a known code and a reason, or gives a command whose lines are clean IRC lines', () => {
    fc.assert(
      fc.property(outboundPayload, identityLike, (payload, identity) => {
        const parsed = parseOutbound(payload);
        if (!parsed.ok) {
          expect(REJECTION_CODES).toContain(parsed.rejection.code);
          expect(parsed.rejection.reason.length).toBeGreaterThan(0);
          return;
        }
        const lines = commandLines(parsed.command, { identity, rawAllow: ['JOIN', 'PART', 'NAMES', 'TOPIC'] });
        if (!lines.ok) {
          expect(REJECTION_CODES).toContain(lines.rejection.code);
          return;
        }
        for (const { line } of lines.lines) expect(lineProblem(line, identity)).toBeUndefined();
      }),
      RUNS,
    );
  });

  it('never throws on bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const parsed = parseOutbound(Buffer.from(bytes));
        if (!parsed.ok) expect(REJECTION_CODES).toContain(parsed.rejection.code);
      }),
      RUNS,
    );
  });
});
