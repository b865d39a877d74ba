/** Property-based fuzzing of the SDK's `in` decoder (fast-check, fixed seed). */
import fc from 'fast-check';
import { inboundEvent, INBOUND_TYPES } from '@zenrelay/protocol';
import { inboundPayload } from '../../test/support/fuzz';
import { decodeInbound } from './inbound';

describe('decodeInbound, fuzzed', () => {
  it('never throws; gives a valid event of a known type, an unknown type, or a reason', () => {
    let events = 0;
    fc.assert(
      fc.property(inboundPayload, (payload) => {
        const decoded = decodeInbound(payload);
        switch (decoded.kind) {
          case 'event':
            events++;
            expect(INBOUND_TYPES).toContain(decoded.event.type);
            expect(inboundEvent.safeParse(decoded.event).success).toBe(true);
            break;
          case 'unknown_type':
            expect(Object.hasOwn(Object.fromEntries(INBOUND_TYPES.map((t) => [t, 1])), decoded.type)).toBe(false);
            break;
          case 'invalid':
            expect(decoded.reason.length).toBeGreaterThan(0);
            break;
          default:
            throw new Error(`unexpected result ${JSON.stringify(decoded)}`);
        }
      }),
      { numRuns: 3000, seed: 0x8a },
    );
    expect(events).toBeGreaterThan(500); // the fuzzing reached the schemas, not only the JSON checks
  });
});
