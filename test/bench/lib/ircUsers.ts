/**
 * The bench's IRC users (the harness's raw IrcUser) and small waits on them,
 * timed with performance.now() at the moment a line is parsed.
 */
import { connectUser, type IrcUser } from '../../harness/ircUser';
import type { ParsedLine } from '../../harness/ircParse';
import type { BenchContext } from './context';
import { nowMs } from './stats';

export async function benchUser(ctx: BenchContext, nick: string, channels: string[]): Promise<IrcUser> {
  const user = await connectUser({ host: ctx.irc.host, port: ctx.irc.port, nick });
  for (const channel of channels) await user.join(channel);
  return user;
}

const same = (a: string | undefined, b: string): boolean => (a ?? '').toLowerCase() === b.toLowerCase();

/** Resolves once `nick` joined `channel`, as seen by `user` (lines from `since`). */
export function joinedBy(user: IrcUser, nick: string, channel: string, timeoutMs: number, since = 0): Promise<ParsedLine> {
  return user.waitFor((l) => l.command === 'JOIN' && same(l.nick, nick) && same(l.params[0], channel), timeoutMs, since);
}

export function isPrivmsg(l: ParsedLine, from: string, target: string): boolean {
  return l.command === 'PRIVMSG' && same(l.nick, from) && same(l.params[0], target);
}

/**
 * Counts PRIVMSGs from `from` to `target` whose text starts with `prefix`
 * (from line `since`) until there are `count`; resolves with the time
 * (performance.now()) each arrived, in arrival order.
 */
export async function arrivals(user: IrcUser, from: string, target: string, prefix: string, count: number, timeoutMs: number, since: number): Promise<{ at: number[]; texts: string[] }> {
  const at: number[] = [];
  const texts: string[] = [];
  await user.waitFor(
    (l) => {
      if (isPrivmsg(l, from, target) && (l.params[1] ?? '').startsWith(prefix)) {
        at.push(nowMs());
        texts.push(l.params[1]);
      }
      return at.length >= count;
    },
    timeoutMs,
    since,
  );
  return { at, texts };
}
