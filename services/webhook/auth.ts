import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Authentication checks for the webhook. Bearer tokens are compared as
 * SHA-256 digests with timingSafeEqual: equal lengths always, and the time
 * taken says nothing about how much of a guess was right. GitHub's webhook
 * signature (X-Hub-Signature-256: HMAC-SHA256 of the body) is checked the
 * same way.
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

/** Whether `header` (`sha256=<hex>`) is the HMAC-SHA256 of `body` with `secret`, as GitHub signs webhooks. */
export function githubSignatureMatches(body: Buffer, header: string | undefined, secret: string): boolean {
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header?.trim() ?? '');
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(Buffer.from(match[1].toLowerCase(), 'hex'), expected);
}
