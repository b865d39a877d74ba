/**
 * The readiness verdict behind `GET /healthz`: ready only when Redis is
 * connected, the bot is registered on IRC and every channel it wants is
 * joined. Otherwise the reasons, one short phrase each, so an operator (or a
 * load balancer log) sees at once what is missing.
 */
import type { BridgeStatus } from '../bridge';

export interface HealthReport {
  status: 'ok' | 'unavailable';
  /** Empty when ready. */
  reasons: string[];
  redis: boolean;
  irc: { registered: boolean; nick: string; channels: string[] };
  queueDepth: number;
}

/** Judges a bridge status; pure, so it is unit-tested without servers. */
export function healthReport(status: BridgeStatus): HealthReport {
  const reasons: string[] = [];
  if (!status.redis) reasons.push('redis disconnected');
  if (!status.ircRegistered) reasons.push('irc not registered');
  const joined = new Set(status.channels.map((c) => c.toLowerCase()));
  for (const channel of status.wantedChannels) {
    if (!joined.has(channel.toLowerCase())) reasons.push(`not joined: ${channel}`);
  }
  return {
    status: reasons.length === 0 ? 'ok' : 'unavailable',
    reasons,
    redis: status.redis,
    irc: { registered: status.ircRegistered, nick: status.nick, channels: status.channels },
    queueDepth: status.queueDepth,
  };
}
