/** decideNotice on arbitrary stream entries (fast-check, fixed seed). */
import fc from 'fast-check';
import { REJECTION_CODES } from '@zenrelay/protocol';
import { identityLike, lineProblem, nastyString, noticeFields } from '../../test/support/fuzz';
import { decideNotice } from './noticeEntry';

const NOW = 1_700_000_100_000;

const entryId = fc.oneof(
  fc.integer({ min: NOW - 7_200_000, max: NOW + 1000 }).map((ms) => `${ms}-0`),
  nastyString, // ids Redis would never give; still no throw
);

describe('decideNotice, fuzzed', () => {
  it('never throws; every decision is a send of clean lines, or has a code and a reason', () => {
    const kinds = new Map<string, number>();
    fc.assert(
      fc.property(entryId, fc.option(noticeFields, { freq: 20 }), identityLike, fc.constantFrom(0, 3_600_000), (id, fields, identity, maxAgeMs) => {
        const decision = decideNotice({ entryId: id, fields }, { nowMs: NOW, maxAgeMs, maxBytes: 16384, identity, rawAllow: ['JOIN'] });
        kinds.set(decision.kind, (kinds.get(decision.kind) ?? 0) + 1);
        switch (decision.kind) {
          case 'gone':
            expect(fields).toBeNull();
            break;
          case 'send':
            expect(decision.lines.length).toBeGreaterThan(0);
            for (const { line } of decision.lines) expect(lineProblem(line, identity)).toBeUndefined();
            break;
          case 'rejected':
            expect(REJECTION_CODES).toContain(decision.code);
            expect(decision.reason.length).toBeGreaterThan(0);
            break;
          case 'expired':
            expect(decision.code).toBe('expired');
            break;
        }
      }),
      { numRuns: 3000, seed: 0x8a },
    );
    expect(kinds.get('send') ?? 0).toBeGreaterThan(300);
    expect(kinds.get('rejected') ?? 0).toBeGreaterThan(300);
  });
});
