import type { Refusal } from './refusals';

/**
 * What became of one line the bot wrote, as the delivery tracker learns it:
 * the server provably processed it (`confirmed`), refused it (`refused`,
 * with the server's reason), or the connection dropped before either was
 * known (`lost`: it may or may not have arrived).
 */
export type LineOutcome = { kind: 'confirmed' } | { kind: 'refused'; refusal: Refusal } | { kind: 'lost' };

/** Called exactly once per written line with its outcome. */
export type OutcomeListener = (outcome: LineOutcome) => void;
