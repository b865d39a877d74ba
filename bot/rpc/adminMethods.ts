import type { Client, ClientEvents } from 'irc-framework';
import { isChannelName, isNick, RpcContext, RpcError } from '@zenrelay/protocol';
import type { Logger } from '@zenrelay/runtime';
import { checkMask } from '../trust/ignoreList';
import type { RpcServer } from './rpcServer';

/**
 * What the admin service asks the bot to do (docs/protocol.md, "Admin
 * requests"): `admin.join`, `admin.part`, `admin.nick`, `admin.ignore`,
 * `admin.unignore`, `admin.ignores`. Requests rather than `raw` envelopes:
 * each is checked here (a channel name, a nick, a mask), answered with what
 * the server said (joined, or banned / full / invite-only; nick taken), goes
 * through the send queue, and the bot keeps its own state right (a joined
 * channel is rejoined after a reconnect, a parted one is not; a new nick is
 * the one it takes back). Raw NICK stays out of ZEN_RAW_ALLOW. Who may send
 * these requests is Redis's to say (`zen acl` gives the rpc channels to
 * services); whether the person asking is an admin is the admin service's
 * check, from the bot's own `admin` field. Every request is logged.
 */

export interface AdminMethodSources {
  /** Puts a line in the send queue; false when it cannot. */
  send(line: string): boolean;
  client(): Client | undefined;
  nick(): string;
  channels(): string[];
  /** Whether a channel is in IRC_CHANNELS (always rejoined). */
  configured(channel: string): boolean;
  /** The nick the bot keeps (takes back when lost) from now on. */
  wantNick(nick: string): void;
  ignore: { add(mask: string): Promise<boolean>; remove(mask: string): Promise<boolean>; masks(): { fixed: string[]; runtime: string[] } };
  log: Logger;
  /** Longest wait for the server's answer. */
  timeoutMs: number;
}

const JOIN_ERRORS: Record<string, string> = {
  channel_is_full: 'the channel is full (+l)',
  invite_only_channel: 'the channel is invite-only (+i)',
  banned_from_channel: 'the bot is banned from it (+b)',
  bad_channel_key: 'it needs a key (+k)',
  no_such_channel: 'no such channel',
  too_many_channels: 'the bot is in too many channels',
  need_reggednick: 'it is for registered users only',
};

function param(ctx: RpcContext, name: string, what: string): string {
  const value = ctx.params[name];
  if (typeof value !== 'string' || value === '') throw new RpcError('bad_request', `params.${name} must be ${what}`);
  return value;
}

/** Waits for one of the client's events to settle the request; removes its listeners either way. */
function awaitOutcome<T>(
  client: Client | undefined,
  timeoutMs: number,
  what: string,
  watch: (on: <E extends keyof ClientEvents>(event: E, listener: (...args: ClientEvents[E]) => void) => void, done: (value: T) => void, fail: (err: RpcError) => void) => void,
  start: () => boolean,
): Promise<T> {
  if (!client) return Promise.reject(new RpcError('unavailable', 'the bot is not connected to IRC; try again later'));
  return new Promise<T>((resolve, reject) => {
    const removers: Array<() => void> = [];
    const finish = () => {
      clearTimeout(timer);
      for (const r of removers) r();
    };
    const timer = setTimeout(() => {
      finish();
      reject(new RpcError('timeout', `the IRC server did not answer ${what} within ${timeoutMs} ms`));
    }, timeoutMs);
    watch(
      (event, listener) => {
        client.on(event, listener);
        removers.push(() => client.off(event, listener));
      },
      (value) => {
        finish();
        resolve(value);
      },
      (err) => {
        finish();
        reject(err);
      },
    );
    if (!start()) {
      finish();
      reject(new RpcError('unavailable', 'the bot is not connected to IRC (or its send queue is full); try again later'));
    }
  });
}

export function registerAdminMethods(server: RpcServer, s: AdminMethodSources): void {
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  const logged = (method: string, handler: (ctx: RpcContext) => Promise<unknown>) =>
    server.method(method, async (ctx) => {
      s.log.info({ method, params: ctx.params }, 'admin request');
      return handler(ctx);
    });

  logged('admin.join', async (ctx) => {
    const channel = param(ctx, 'channel', 'a channel name, e.g. {"channel":"#ops"}');
    if (!isChannelName(channel)) throw new RpcError('bad_request', `${JSON.stringify(channel)} is not a channel name (#name)`);
    if (s.channels().some((c) => same(c, channel))) return { channel, joined: true, already: true };
    return awaitOutcome<{ channel: string; joined: true }>(
      s.client(),
      s.timeoutMs,
      `JOIN ${channel}`,
      (on, done, fail) => {
        on('join', (e) => {
          if (same(e.nick, s.nick()) && same(e.channel, channel)) done({ channel: e.channel, joined: true });
        });
        on('irc error', (e) => {
          if (e.channel && same(e.channel, channel)) fail(new RpcError('refused', `could not join ${channel}: ${JOIN_ERRORS[e.error] ?? e.reason ?? e.error}`));
        });
      },
      () => s.send(`JOIN ${channel}`),
    );
  });

  logged('admin.part', async (ctx) => {
    const channel = param(ctx, 'channel', 'a channel name, e.g. {"channel":"#ops"}');
    const reason = typeof ctx.params.reason === 'string' ? ctx.params.reason.replace(/[\r\n\0]/g, ' ').slice(0, 200) : '';
    if (!s.channels().some((c) => same(c, channel))) throw new RpcError('not_found', `the bot is not in ${channel}`);
    if (s.configured(channel)) throw new RpcError('refused', `${channel} is in IRC_CHANNELS, so the bot would rejoin it; remove it there and restart the bot`);
    return awaitOutcome<{ channel: string; parted: true }>(
      s.client(),
      s.timeoutMs,
      `PART ${channel}`,
      (on, done) => {
        on('part', (e) => {
          if (same(e.nick, s.nick()) && same(e.channel, channel)) done({ channel: e.channel, parted: true });
        });
      },
      () => s.send(reason === '' ? `PART ${channel}` : `PART ${channel} :${reason}`),
    );
  });

  logged('admin.nick', async (ctx) => {
    const nick = param(ctx, 'nick', 'an IRC nick, e.g. {"nick":"zen2"}');
    if (!isNick(nick) || nick.length > 30) throw new RpcError('bad_request', `${JSON.stringify(nick)} is not a valid IRC nick`);
    const old = s.nick();
    if (old === nick) return { nick, old };
    const result = await awaitOutcome<{ nick: string; old: string }>(
      s.client(),
      s.timeoutMs,
      `NICK ${nick}`,
      (on, done, fail) => {
        on('nick', (e) => {
          if (same(e.nick, old) && same(e.new_nick, nick)) done({ nick: e.new_nick, old });
        });
        on('nick in use', () => fail(new RpcError('refused', `${nick} is taken`)));
        on('nick invalid', (e) => fail(new RpcError('refused', `the server refuses ${nick}: ${e.reason}`)));
        on('irc error', (e) => {
          if (e.nick && same(e.nick, nick)) fail(new RpcError('refused', `the server refuses ${nick}: ${e.reason ?? e.error}`));
        });
      },
      () => s.send(`NICK ${nick}`),
    );
    s.wantNick(result.nick);
    return result;
  });

  logged('admin.ignore', async (ctx) => {
    const checked = checkMask(param(ctx, 'mask', 'a nick!user@host mask, e.g. {"mask":"spammer!*@*"}'));
    if (!checked.ok) throw new RpcError('bad_request', checked.problem);
    return { mask: checked.mask, added: await s.ignore.add(checked.mask) };
  });

  logged('admin.unignore', async (ctx) => {
    const mask = param(ctx, 'mask', 'a mask from the ignore list, e.g. {"mask":"spammer!*@*"}').trim();
    const removed = await s.ignore.remove(mask);
    if (!removed && s.ignore.masks().fixed.includes(mask)) throw new RpcError('refused', `${mask} is in ZEN_IGNORE; remove it there and restart the bot`);
    return { mask, removed };
  });

  server.method('admin.ignores', () => s.ignore.masks());
}
