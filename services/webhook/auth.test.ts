import { createHmac } from 'node:crypto';
import { bearerToken, githubSignatureMatches, tokenMatches } from './auth';

describe('webhook auth', () => {
  it('reads the token of a Bearer header only', () => {
    expect(bearerToken('Bearer s3cret-token')).toBe('s3cret-token');
    expect(bearerToken('bearer   s3cret-token ')).toBe('s3cret-token');
    expect(bearerToken(undefined)).toBeUndefined();
    expect(bearerToken('Basic dXNlcjpwYXNz')).toBeUndefined();
    expect(bearerToken('Bearer')).toBeUndefined();
    expect(bearerToken('Bearer two tokens')).toBeUndefined();
  });

  it('matches only the exact token, whatever the lengths', () => {
    const token = 'correct-horse-battery-staple';
    expect(tokenMatches(token, token)).toBe(true);
    expect(tokenMatches('correct-horse-battery-stapl', token)).toBe(false);
    expect(tokenMatches(`${token}x`, token)).toBe(false);
    expect(tokenMatches('', token)).toBe(false);
    expect(tokenMatches('Correct-horse-battery-staple', token)).toBe(false);
  });
});

describe('GitHub signature', () => {
  const secret = 'github-webhook-secret';
  const body = Buffer.from('{"ref":"refs/heads/main"}');
  const sign = (data: Buffer, key = secret) => `sha256=${createHmac('sha256', key).update(data).digest('hex')}`;

  it('accepts the HMAC-SHA256 of the exact body', () => {
    expect(githubSignatureMatches(body, sign(body), secret)).toBe(true);
    expect(githubSignatureMatches(body, sign(body).toUpperCase().replace('SHA256=', 'sha256='), secret)).toBe(true);
  });

  it('refuses another body, another secret, and malformed headers', () => {
    expect(githubSignatureMatches(Buffer.from('{"ref":"refs/heads/evil"}'), sign(body), secret)).toBe(false);
    expect(githubSignatureMatches(body, sign(body, 'other'), secret)).toBe(false);
    expect(githubSignatureMatches(body, undefined, secret)).toBe(false);
    expect(githubSignatureMatches(body, 'sha1=abc', secret)).toBe(false);
    expect(githubSignatureMatches(body, sign(body).slice(0, -2), secret)).toBe(false);
  });
});
