/**
 * Choosing a nick when the wanted one is taken: `nick_`, `nick__`, then the
 * nick with a few random digits, always within the server's length limit.
 */
export const DEFAULT_NICK_LENGTH = 30;

export function alternativeNick(wanted: string, attempt: number, maxLength = DEFAULT_NICK_LENGTH, random: () => number = Math.random): string {
  if (attempt < 2) {
    const suffix = '_'.repeat(attempt + 1);
    return wanted.slice(0, maxLength - suffix.length) + suffix;
  }
  const digits = String(Math.floor(random() * 1000)).padStart(3, '0');
  return wanted.slice(0, maxLength - digits.length) + digits;
}
