/** The `!woot` → `Indeed!` exchange the round-trip scenarios time, one command at a time. */
import type { IrcUser } from '../../harness/ircUser';
import { isPrivmsg } from './ircUsers';
import { nowMs } from './stats';

export interface WootPath {
  /** The bot's nick, who answers. */
  nick: string;
  channel: string;
}

/** Says `!woot` in `path.channel` and resolves with the ms until the bot's `Indeed!` was parsed. */
export async function askWoot(user: IrcUser, path: WootPath, timeoutMs: number): Promise<number> {
  const since = user.lines.length;
  let end = 0;
  const start = nowMs();
  user.say(path.channel, '!woot');
  await user.waitFor(
    (l) => {
      if (!isPrivmsg(l, path.nick, path.channel) || l.params[1] !== 'Indeed!') return false;
      end = nowMs();
      return true;
    },
    timeoutMs,
    since,
  );
  return end - start;
}

/** A service subscribes on its own time: asks (1 s each) until it answers, at most `attempts` times. */
export async function untilAnswered(user: IrcUser, path: WootPath, attempts = 30): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await askWoot(user, path, 1000);
      return;
    } catch (err) {
      if (attempt >= attempts) throw new Error(`${path.nick} in ${path.channel} never answered !woot: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
