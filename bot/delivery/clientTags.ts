/**
 * Whether a server lets clients send a client-only tag, from its
 * CLIENTTAGDENY ISUPPORT token (IRCv3 message-tags): a comma list of denied
 * tag names (without `+`), `*` for all, `-name` for an exception to `*`.
 * Absent means every client tag is allowed. Pure.
 */
export function clientTagAllowed(deny: unknown, tag: string): boolean {
  const name = tag.startsWith('+') ? tag.slice(1) : tag;
  if (typeof deny !== 'string' || deny === '') return true;
  const items = deny.split(',');
  if (items.includes('*')) return items.includes(`-${name}`);
  return !items.includes(name);
}
