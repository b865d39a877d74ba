/**
 * CTCP is framed by \x01 (`\x01VERSION\x01`, `\x01DCC SEND …\x01`). Text from
 * `out` is the services' text, often echoing what IRC users said, so a \x01 in
 * it would let any user make the bot send a CTCP request (DCC included) to
 * anyone. The bot removes every \x01 from `privmsg` and `notice` text, and from
 * the text of a `privmsg_action` (the only CTCP it sends, framed by the bot
 * itself). Pure.
 */
const CTCP_DELIMITER = /\x01/g;

export function withoutCtcp(text: string): string {
  return text.includes('\x01') ? text.replace(CTCP_DELIMITER, '') : text;
}
