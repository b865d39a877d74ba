/**
 * What `zen status` prints: the bot's `status` answer (bot/rpc/methods.ts,
 * documented in docs/protocol.md), as a few readable lines.
 */

/** The fields of a `status` answer that `zen status` shows; others are ignored. */
export interface StatusView {
  version?: string;
  started?: string;
  uptime_seconds?: number;
  redis?: { connected?: boolean };
  irc?: { server?: string; registered?: boolean; ready?: boolean; nick?: string; channels?: string[]; wanted_channels?: string[] };
  send_queue_depth?: number;
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const parts: string[] = [];
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d) parts.push(`${d}d`);
  if (h) parts.push(`${h}h`);
  if (m) parts.push(`${m}m`);
  if (parts.length === 0 || (d === 0 && h === 0)) parts.push(`${s % 60}s`);
  return parts.join(' ');
}

export function formatStatus(status: StatusView, namespace: string): string {
  const irc = status.irc ?? {};
  const channels = irc.channels ?? [];
  const missing = (irc.wanted_channels ?? []).filter((c) => !channels.some((have) => have.toLowerCase() === c.toLowerCase()));
  const state = irc.ready ? 'ready' : irc.registered ? 'registered, joining channels' : 'not connected';
  const lines = [
    `zenrelay ${status.version ?? '?'} on ${namespace === '' ? 'the default namespace' : `namespace ${namespace}`}, up ${formatDuration(status.uptime_seconds ?? 0)}${status.started ? ` (since ${status.started})` : ''}`,
    `IRC:        ${state} on ${irc.server ?? '?'} as ${irc.nick ?? '?'}`,
    `Channels:   ${channels.length > 0 ? channels.join(', ') : '(none)'}${missing.length > 0 ? `; not in ${missing.join(', ')}` : ''}`,
    `Redis:      ${status.redis?.connected ? 'connected' : 'disconnected'}`,
    `Send queue: ${status.send_queue_depth ?? 0} line${status.send_queue_depth === 1 ? '' : 's'}`,
  ];
  return `${lines.join('\n')}\n`;
}
