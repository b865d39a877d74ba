/**
 * Who is in each channel the bot is in, with their channel modes, kept from
 * what the server tells the bot (NAMES replies, JOIN, PART, KICK, QUIT, NICK,
 * MODE). Answers the `names` request with each member's highest prefix.
 * Pure: the bridge feeds it irc-framework's events. Nicks and channels are
 * compared case-insensitively and kept in Maps (any nick is a safe key).
 */

export interface PrefixRank {
  symbol: string;
  mode: string;
}

/** RFC 1459 case folding, what most servers use for nicks and channels. */
export function ircLower(text: string): string {
  return text.toLowerCase().replace(/\[/g, '{').replace(/\]/g, '}').replace(/\\/g, '|').replace(/~/g, '^');
}

interface Member {
  nick: string;
  modes: Set<string>;
}

interface Channel {
  name: string;
  members: Map<string, Member>;
}

export interface MemberView {
  nick: string;
  /** Highest prefix (`@`, `+`…), empty for none. */
  prefix: string;
}

export class ChannelMembers {
  private readonly channels = new Map<string, Channel>();

  /** `rank` is the server's PREFIX list, highest first (read when answering, it is known after registration). */
  constructor(private readonly rank: () => readonly PrefixRank[] = () => [{ symbol: '@', mode: 'o' }, { symbol: '+', mode: 'v' }]) {}

  /** A NAMES reply: the full member list of a channel. */
  userlist(channel: string, users: ReadonlyArray<{ nick: string; modes: readonly string[] }>): void {
    const members = new Map<string, Member>();
    for (const user of users) members.set(ircLower(user.nick), { nick: user.nick, modes: new Set(user.modes) });
    this.channels.set(ircLower(channel), { name: channel, members });
  }

  join(channel: string, nick: string, isMe: boolean): void {
    const key = ircLower(channel);
    let entry = this.channels.get(key);
    if (isMe || !entry) {
      // The bot joined: a NAMES reply follows; until then only the bot is known.
      entry = { name: channel, members: new Map() };
      this.channels.set(key, entry);
    }
    entry.members.set(ircLower(nick), { nick, modes: new Set() });
  }

  leave(channel: string, nick: string, isMe: boolean): void {
    if (isMe) {
      this.channels.delete(ircLower(channel));
      return;
    }
    this.channels.get(ircLower(channel))?.members.delete(ircLower(nick));
  }

  quit(nick: string): void {
    for (const channel of this.channels.values()) channel.members.delete(ircLower(nick));
  }

  rename(oldNick: string, newNick: string): void {
    for (const channel of this.channels.values()) {
      const member = channel.members.get(ircLower(oldNick));
      if (!member) continue;
      channel.members.delete(ircLower(oldNick));
      channel.members.set(ircLower(newNick), { nick: newNick, modes: member.modes });
    }
  }

  /** A MODE on a channel: only member modes (the ones with a prefix) matter here. */
  mode(channel: string, changes: ReadonlyArray<{ mode: string; param?: string }>): void {
    const entry = this.channels.get(ircLower(channel));
    if (!entry) return;
    const memberModes = new Set(this.rank().map((r) => r.mode));
    for (const change of changes) {
      const sign = change.mode[0];
      const letter = change.mode.slice(1);
      if (!memberModes.has(letter) || change.param === undefined) continue;
      const member = entry.members.get(ircLower(change.param));
      if (!member) continue;
      if (sign === '+') member.modes.add(letter);
      else if (sign === '-') member.modes.delete(letter);
    }
  }

  /** Forget everything (disconnected: the channels are rejoined and listed again). */
  clear(): void {
    this.channels.clear();
  }

  /** The channel's members sorted by nick, or undefined when the bot is not in it. */
  members(channel: string): { channel: string; members: MemberView[] } | undefined {
    const entry = this.channels.get(ircLower(channel));
    if (!entry) return undefined;
    const rank = this.rank();
    const members = [...entry.members.values()]
      .map((m) => ({ nick: m.nick, prefix: rank.find((r) => m.modes.has(r.mode))?.symbol ?? '' }))
      .sort((a, b) => a.nick.localeCompare(b.nick));
    return { channel: entry.name, members };
  }
}
