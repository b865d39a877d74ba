import { RpcContext, RpcError } from '@zenrelay/protocol';
import type { ChannelMembers } from '../irc/channelMembers';
import type { RpcServer } from './rpcServer';
import type { WhoisLookup } from './whois';

/**
 * The methods the bot answers itself: `status`, `names` and `whois`
 * (documented in docs/protocol.md, "Requests the bot answers").
 */

export interface BotStatus {
  version: string;
  started: string;
  uptime_seconds: number;
  redis: { connected: boolean };
  irc: {
    server: string;
    registered: boolean;
    ready: boolean;
    nick: string;
    channels: string[];
    wanted_channels: string[];
  };
  send_queue_depth: number;
  in_stream: { enabled: boolean; pending: number };
}

export interface BotMethodSources {
  status(): BotStatus;
  members: ChannelMembers;
  whois: WhoisLookup;
  /** Longest wait for the server's WHOIS reply (capped by the request's deadline). */
  whoisTimeoutMs: number;
}

export function registerBotMethods(server: RpcServer, sources: BotMethodSources): void {
  server.method('status', () => sources.status());
  server.method('names', (ctx) => {
    const channel = ctx.params.channel;
    if (typeof channel !== 'string' || channel === '') throw new RpcError('bad_request', 'params.channel must be a channel name, e.g. {"channel":"#ops"}');
    const found = sources.members.members(channel);
    if (!found) throw new RpcError('not_found', `the bot is not in ${channel}`);
    return { channel: found.channel, members: found.members, nicks: Object.fromEntries(found.members.map((m) => [m.nick, m.prefix])) };
  });
  server.method('whois', (ctx: RpcContext) => {
    const timeout = Math.max(1, Math.min(sources.whoisTimeoutMs, ctx.deadline - Date.now()));
    return sources.whois.lookup(ctx.params.nick, timeout);
  });
}
