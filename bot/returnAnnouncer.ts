import { formatDuration } from '@zenrelay/runtime';

/**
 * Decides when the bot tells its channels it was away
 * (ZEN_ANNOUNCE_RETURN_AFTER_SECONDS): after an outage of at least the
 * threshold, once, when IRC is ready again. Debounced: after one
 * announcement, none for `minIntervalMs`, so a flapping link never floods a
 * channel (it announces at most once per interval, whatever the outages).
 * The first connection is not a return. Pure: the clock is injected.
 */

export interface ReturnAnnouncerOptions {
  thresholdMs: number;
  /** Shortest time between two announcements. */
  minIntervalMs: number;
  now?: () => number;
}

/** At least this long between announcements (or the threshold, if longer). */
export const DEFAULT_ANNOUNCE_MIN_INTERVAL_MS = 10 * 60_000;

export class ReturnAnnouncer {
  private wasUp = false;
  private downSince: number | undefined;
  private lastAnnouncedAt: number | undefined;
  private readonly now: () => number;

  constructor(private readonly options: ReturnAnnouncerOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The connection was lost (or an attempt failed): the outage starts at the first of these. */
  wentDown(): void {
    if (this.wasUp) this.downSince ??= this.now();
  }

  /** IRC is ready again: how long it was away, when that is worth announcing now; undefined otherwise. */
  cameBack(): { outageMs: number } | undefined {
    const t = this.now();
    const since = this.downSince;
    this.wasUp = true;
    this.downSince = undefined;
    if (since === undefined || t - since < this.options.thresholdMs) return undefined;
    if (this.lastAnnouncedAt !== undefined && t - this.lastAnnouncedAt < this.options.minIntervalMs) return undefined;
    this.lastAnnouncedAt = t;
    return { outageMs: t - since };
  }
}

/** "back after 4 min; 12 notices and 3 messages were delayed". */
export function returnMessage(outageMs: number, delayed: { notices: number; messages: number }): string {
  const parts: string[] = [];
  if (delayed.notices > 0) parts.push(`${delayed.notices} ${delayed.notices === 1 ? 'notice' : 'notices'}`);
  if (delayed.messages > 0) parts.push(`${delayed.messages} ${delayed.messages === 1 ? 'message' : 'messages'}`);
  const count = delayed.notices + delayed.messages;
  const tail = parts.length === 0 ? '' : `; ${parts.join(' and ')} ${count === 1 ? 'was' : 'were'} delayed`;
  return `back after ${formatDuration(outageMs)}${tail}`;
}
