import { Counter, Gauge, Histogram, Registry } from './promMetrics';

/** Most written lines tallied before they are handed to prom-client. */
const WRITTEN_BATCH = 512;

/**
 * The bot's counters, in a registry of its own (one per bridge, so several
 * bridges in one process do not clash). Served as Prometheus text by the
 * HTTP endpoint; read directly by tests.
 */
export class BotMetrics {
  readonly registry = new Registry();
  /** What the connection gauges read at each scrape; set by the bridge. */
  private connections: () => { irc: boolean; redis: boolean } = () => ({ irc: false, redis: false });

  readonly inEvents = new Counter({ name: 'zen_in_events_total', help: 'Events published on `in` (accepted by Redis), by type', labelNames: ['type'], registers: [this.registry] });
  readonly outCommands = new Counter({ name: 'zen_out_commands_total', help: 'Valid commands received on `out`, by type', labelNames: ['type'], registers: [this.registry] });
  readonly linesOut = new Counter({
    name: 'zen_irc_lines_sent_total',
    help: 'Lines written to IRC, by command',
    labelNames: ['command'],
    registers: [this.registry],
    collect: () => this.flushWritten(),
  });
  readonly rejected = new Counter({ name: 'zen_rejected_total', help: 'Payloads on `out` that were rejected, by reason', labelNames: ['code'], registers: [this.registry] });
  readonly queueDepth = new Gauge({ name: 'zen_send_queue_depth', help: 'IRC lines waiting to be sent', registers: [this.registry] });
  readonly sendDelay = new Histogram({
    name: 'zen_send_delay_seconds',
    help: 'Time from accepting a line to writing it to IRC',
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60, 300],
    registers: [this.registry],
    collect: () => this.flushWritten(),
  });
  readonly ircReconnects = new Counter({ name: 'zen_irc_reconnects_total', help: 'IRC connection attempts after the first', registers: [this.registry] });
  readonly ircBadLines = new Counter({
    name: 'zen_irc_bad_lines_total',
    help: 'Lines from the IRC server dropped as malformed, by reason (too_long, handler_error, reply_overflow, invalid_event)',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly ircLinesFixed = new Counter({
    name: 'zen_irc_lines_fixed_total',
    help: 'Lines the bot wrote that the writer changed to stay one line within 512 bytes as relayed, by fix (sanitized, split, truncated, dropped)',
    labelNames: ['fix'],
    registers: [this.registry],
  });
  readonly ircRegistered = new Gauge({ name: 'zen_irc_registered', help: '1 while registered on IRC', registers: [this.registry] });
  readonly ircConnected: Gauge = new Gauge({
    name: 'zen_irc_connected',
    help: '1 while a connection to the IRC server is open (registered or not)',
    registers: [this.registry],
    collect: (): void => this.ircConnected.set(this.connections().irc ? 1 : 0),
  });
  readonly redisConnected: Gauge = new Gauge({
    name: 'zen_redis_connected',
    help: '1 while both Redis connections (subscriber and publisher) are ready',
    registers: [this.registry],
    collect: (): void => this.redisConnected.set(this.connections().redis ? 1 : 0),
  });
  readonly returnAnnouncements = new Counter({ name: 'zen_irc_return_announcements_total', help: 'Times the bot told its channels it was back after an outage (ZEN_ANNOUNCE_RETURN_AFTER_SECONDS)', registers: [this.registry] });
  readonly redisReconnects = new Counter({ name: 'zen_redis_reconnects_total', help: 'Redis reconnections', registers: [this.registry] });
  readonly inBuffered = new Gauge({ name: 'zen_in_buffer_depth', help: '`in` events waiting to be published (held while Redis is unreachable)', registers: [this.registry] });
  readonly inDropped = new Counter({ name: 'zen_in_events_dropped_total', help: '`in` events dropped, never published: ZEN_IN_BUFFER was full while Redis was unreachable (oldest first), by type', labelNames: ['type'], registers: [this.registry] });
  readonly errorsDropped = new Counter({ name: 'zen_error_events_dropped_total', help: 'Error events dropped because their own queue was full (oldest first)', registers: [this.registry] });
  readonly notices = new Counter({ name: 'zen_notices_total', help: 'Durable notices finished, by fate (sent, rejected, expired)', labelNames: ['state'], registers: [this.registry] });
  readonly noticesPending = new Gauge({ name: 'zen_notices_pending', help: 'Entries in the notices stream: queued or in flight (XLEN)', registers: [this.registry] });
  readonly noticesDeadLettered = new Counter({ name: 'zen_notices_dead_lettered_total', help: 'Notices the bot could not handle at all, moved to the dead-letter stream', registers: [this.registry] });
  readonly noticesInFlight = new Gauge({ name: 'zen_notices_in_flight', help: 'Durable notices read and not yet acknowledged', registers: [this.registry] });

  // Lines written are tallied here and handed to prom-client in batches (at
  // every read of the metrics, and every WRITTEN_BATCH lines): its label
  // hashing per call was a fifth of the bot's time on a busy `out` path.
  private readonly writtenByCommand = new Map<string, number>();
  private readonly writtenDelays: number[] = [];

  /** Counts one line written to IRC (`command`: PRIVMSG, NOTICE…) that waited `waitedSeconds` in the send queue. */
  lineWritten(command: string, waitedSeconds: number): void {
    this.writtenByCommand.set(command, (this.writtenByCommand.get(command) ?? 0) + 1);
    if (this.writtenDelays.push(waitedSeconds) >= WRITTEN_BATCH) this.flushWritten();
  }

  private flushWritten(): void {
    for (const [command, count] of this.writtenByCommand) this.linesOut.inc({ command }, count);
    this.writtenByCommand.clear();
    for (const seconds of this.writtenDelays) this.sendDelay.observe(seconds);
    this.writtenDelays.length = 0;
  }

  /** Lets the connection gauges read the live state at each scrape. */
  watchConnections(read: () => { irc: boolean; redis: boolean }): void {
    this.connections = read;
  }

  /** Current value of a counter or gauge with the given labels (0 when never set). */
  async value(metric: Counter<string> | Gauge<string>, labels: Record<string, string> = {}): Promise<number> {
    const data = await metric.get();
    const match = data.values.find((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val));
    return match?.value ?? 0;
  }
}
