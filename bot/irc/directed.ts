/**
 * Whether a message is addressed to the bot, and what it says once the
 * address is removed: ZenIRCBot's semantics service, built in.
 *
 * - `zen: ping`, `zen, ping` (nick compared case-insensitively) → `ping`
 * - `!ping` (the command prefix) → `ping`
 * - any private message → the text, less a leading command prefix
 */
export interface DirectedOptions {
  botNick: string;
  commandPrefix: string;
  isPrivate: boolean;
}

/** The message without its address, or undefined when it is not addressed to the bot or says nothing. */
export function directedMessage(text: string, { botNick, commandPrefix, isPrivate }: DirectedOptions): string | undefined {
  const rest = addressedRest(text, botNick) ?? prefixedRest(text, commandPrefix) ?? (isPrivate ? text : undefined);
  if (rest === undefined) return undefined;
  return rest.trim() === '' ? undefined : rest;
}

function addressedRest(text: string, botNick: string): string | undefined {
  if (text.length <= botNick.length) return undefined;
  const head = text.slice(0, botNick.length);
  const mark = text[botNick.length];
  if (head.toLowerCase() !== botNick.toLowerCase() || (mark !== ':' && mark !== ',')) return undefined;
  return text.slice(botNick.length + 1).trimStart();
}

function prefixedRest(text: string, prefix: string): string | undefined {
  return prefix !== '' && text.startsWith(prefix) ? text.slice(prefix.length) : undefined;
}
