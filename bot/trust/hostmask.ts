/**
 * IRC hostmask globs (`*!~ops@*.example.org`, `alice!*@*`): `*` is any run of
 * characters, `?` any one character, and comparison is case-insensitive (IRC
 * nicks and hosts are). Matched by a linear-time two-pointer walk, not by a
 * regular expression, so no mask from a setting or an admin command can make
 * matching slow. Pure.
 */
export function hostmaskMatches(mask: string, subject: string): boolean {
  const m = mask.toLowerCase();
  const s = subject.toLowerCase();
  let mi = 0;
  let si = 0;
  let star = -1;
  let mark = 0;
  while (si < s.length) {
    if (mi < m.length && (m[mi] === '?' || m[mi] === s[si])) {
      mi++;
      si++;
    } else if (mi < m.length && m[mi] === '*') {
      star = mi++;
      mark = si;
    } else if (star >= 0) {
      mi = star + 1;
      si = ++mark;
    } else {
      return false;
    }
  }
  while (mi < m.length && m[mi] === '*') mi++;
  return mi === m.length;
}

/** `nick!user@host` of a sender, as masks are written. */
export function hostmaskOf(nick: string, ident: string, host: string): string {
  return `${nick}!${ident}@${host}`;
}

/** Whether `mask` is a full `nick!user@host` glob (each part non-empty, no spaces). */
export function isHostmask(mask: string): boolean {
  return /^[^\s!@]+![^\s!@]+@[^\s!@]+$/.test(mask);
}
