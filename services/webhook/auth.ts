import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Bearer-token checks for the webhook. Tokens are compared as SHA-256
 * digests with timingSafeEqual: equal lengths always, and the time taken
 * says nothing about how much of a guess was right.
 */

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

export function tokenMatches(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}
