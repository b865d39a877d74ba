/**
 * What may stand as the target of a PRIVMSG or NOTICE. A target goes into the
 * IRC line verbatim, so anything that could end the line or add a parameter
 * (CR, LF, NUL, space, comma) is refused rather than cleaned up.
 */

const CHANNEL = /^[#&+!][^\s,\x00\x07]{1,199}$/;
const NICK = /^[A-Za-z[\]\\`_^{|}][A-Za-z0-9[\]\\`_^{|}-]{0,63}$/;

export function isChannelName(target: string): boolean {
  return CHANNEL.test(target);
}

export function isNick(target: string): boolean {
  return NICK.test(target);
}

/** Returns why `target` cannot be sent to, or undefined when it can. */
export function targetProblem(target: string): string | undefined {
  if (target.length === 0) return 'target is empty';
  if (/[\r\n\x00]/.test(target)) return `target ${JSON.stringify(target)} contains CR, LF or NUL`;
  if (isChannelName(target) || isNick(target)) return undefined;
  return `target ${JSON.stringify(target)} is neither a channel (#name) nor a nick`;
}
