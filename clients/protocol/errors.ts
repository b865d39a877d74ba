import { z } from 'zod';
import { envelopeSchema } from './envelope';

/**
 * What the bot publishes on the errors channel when it cannot carry out
 * something received on `out`: one event per rejected payload, with the reason.
 */
export const errorEvent = envelopeSchema(
  'error',
  z.looseObject({
    code: z.string().describe('Machine-readable reason, e.g. invalid_json, bad_target, raw_not_allowed'),
    reason: z.string().describe('What was wrong, in words'),
    source: z.string().describe('Where the payload came from: the channel name it was received on'),
    input: z.string().describe('The start of the rejected payload (at most 200 characters)'),
    id: z.string().optional().describe("The payload's data.id, when it had one"),
  }),
).describe('A payload the bot received and could not carry out.');

export type ErrorEvent = z.infer<typeof errorEvent>;
