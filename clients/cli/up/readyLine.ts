/**
 * The one line `zen up` prints on stdout once the bot is on IRC and in its
 * channels: where to point an IRC client, and the REDIS_URL for clients.
 */
import { redactUrl, type HostPort, type RedisTarget } from '@zenrelay/runtime';

export interface ReadyInfo {
  sandbox: boolean;
  ircHost: string;
  ircPort: number;
  channels: string[];
  nick: string;
  redisUrl: string;
  /** With Sentinel or Cluster, the line shows their settings instead of REDIS_URL. */
  redis?: RedisTarget;
  /** ZEN_NAMESPACE; clients need the same one. */
  namespace?: string;
  services: string[];
  /** Services that could not start (the log says why). */
  skipped?: string[];
}

export function readyLine(info: ReadyInfo): string {
  const channels = info.channels.length > 0 ? info.channels.join(', ') : '(no channel)';
  const where = info.sandbox
    ? `Connect your IRC client to ${info.ircHost}:${info.ircPort} and join ${channels} (the bot is ${info.nick})`
    : `The bot ${info.nick} is on ${info.ircHost}:${info.ircPort} in ${channels}`;
  const services = info.services.length > 0 ? info.services.join(', ') : 'none';
  const skipped = info.skipped && info.skipped.length > 0 ? `; not started: ${info.skipped.join(', ')} (see the log)` : '';
  const namespace = info.namespace ? ` ZEN_NAMESPACE=${info.namespace}` : '';
  return `zen up: ready. ${where}; clients use ${redisSettings(info)}${namespace}; services: ${services}${skipped}. Ctrl-C stops everything.`;
}

function redisSettings(info: ReadyInfo): string {
  const list = (nodes: HostPort[]) => nodes.map((n) => `${n.host}:${n.port}`).join(',');
  const url = `REDIS_URL=${redactUrl(info.redisUrl)}`;
  if (info.redis?.kind === 'sentinel') return `REDIS_SENTINELS=${list(info.redis.sentinels)} REDIS_SENTINEL_MASTER=${info.redis.master} ${url}`;
  if (info.redis?.kind === 'cluster') return `REDIS_CLUSTER_NODES=${list(info.redis.nodes)} ${url}`;
  return url;
}
