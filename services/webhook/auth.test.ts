import { bearerToken, tokenMatches } from './auth';

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
