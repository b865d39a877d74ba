import type { IrcConnection } from '../irc/ircConnection';
import type { Logger } from '@zenrelay/runtime';
import type { BotMetrics } from '../metrics';
import { outgoingCommand } from '../delivery/ircLine';
import { noticeOutcome, type TargetResult } from '../delivery/noticeOutcome';
import type { OutboundLine, SendQueue } from '../outbound/sendQueue';
import { decideNotice, type NoticeDecision, type StreamEntry } from './noticeEntry';
import { fateRecord, type FateRecord } from './noticeFate';
import { isNoGroupError, isPermanentRedisError, isReplyError, NoticeStream } from './noticeStream';

/**
 * The durable outbound path: reads the notices stream through the consumer
 * group and hands each notice's lines to the bot's send queue (the same
 * flood control and per-target order as `out`). An entry is acknowledged
 * only once the IRC server provably processed all its lines (the delivery
 * tracker's outcome for each line: confirmed or refused, see
 * bot/delivery/deliveryTracker.ts); a server refusal makes it `rejected`.
 * When the connection drops first, every notice not yet finished is
 * dropped from memory (its queued lines are skipped) and read again from
 * its pending entry in Redis, in stream order, once IRC is back.
 *
 * - Reads only while IRC is ready, and keeps at most `window` entries in
 *   flight (read, not yet acknowledged), so a backlog of any size costs
 *   bounded memory and at most `window` notices can be sent twice after a
 *   crash.
 * - On start, and after every Redis reconnect, first re-reads its own pending
 *   entries (those of a crashed predecessor) from id 0, then new ones.
 * - Rejected and expired notices are acknowledged without sending.
 * - An entry the bot cannot handle at all (deciding about it threw, or Redis
 *   refuses its fate for good, e.g. WRONGTYPE) goes to the dead-letter
 *   stream and is acknowledged: it never blocks the entries around it.
 */

export interface NoticeConsumerOptions {
  /** Most entries in flight at once. */
  window: number;
  /** Notices older than this (ms) are expired; 0 = never. */
  maxAgeMs: number;
  /** Largest accepted envelope in bytes. */
  maxBytes: number;
  /** Commands a raw line may use (not used by notices, which are never raw, but commandLines wants it). */
  rawAllow: readonly string[];
  /** Longest blocking read, ms (default 5000). */
  blockMs?: number;
  /** Entries of other consumers idle this long are taken over at a rescan (default 60000). */
  claimIdleMs?: number;
  /** How often the pending gauge is refreshed, ms (default 5000). */
  gaugeIntervalMs?: number;
}

/** Entries handed over per read, at most. */
export const READ_BATCH = 50;
const QUEUE_FULL_RETRY_MS = 250;
const IDLE_RECHECK_MS = 1000;
/** Redis errors in a row (not connection errors) after which a fate write gives up and dead-letters the entry. */
export const FATE_REPLY_ERRORS_MAX = 10;

interface InFlight {
  id: string | undefined;
  /** The entry's fields as read, kept for the dead-letter stream. */
  fields: string[] | null;
  /** Lines whose outcome is not known yet. */
  remaining: number;
  /** Given up after a connection loss: its queued lines are skipped, its entry is read again. */
  cancelled: boolean;
  /** Its fate is being recorded; a connection loss no longer matters. */
  finishing: boolean;
}

export class NoticeConsumer {
  private readonly inflight = new Map<string, InFlight>();
  private readonly finishing = new Set<Promise<void>>();
  private readonly wakers = new Set<() => void>();
  private rescan = true;
  private cursor = '0';
  private stopping = false;
  private closed = false;
  private loop: Promise<void> | undefined;
  private gaugeTimer: NodeJS.Timeout | undefined;
  private readerConnectedOnce = false;
  private loggedQueueFull = false;
  /** Bumped by every rescan request; reads and hand-overs begun before one are dropped (the rescan reads them again, in order). */
  private generation = 0;

  constructor(
    private readonly stream: NoticeStream,
    private readonly irc: IrcConnection,
    private readonly queue: SendQueue,
    private readonly options: NoticeConsumerOptions,
    private readonly log: Logger,
    private readonly metrics: BotMetrics,
  ) {}

  /** Entries read and not yet acknowledged. */
  get inFlight(): number {
    return this.inflight.size;
  }

  /** Connects (waiting for Redis), makes sure the group exists, and starts reading in the background. */
  async start(): Promise<void> {
    this.stream.reader.on('ready', () => {
      if (this.readerConnectedOnce) this.requestRescan();
      this.readerConnectedOnce = true;
    });
    await this.stream.connect();
    this.irc.on('ready', () => this.wake());
    this.irc.on('disconnected', () => this.abandonUnfinished());
    this.gaugeTimer = setInterval(() => this.refreshPending(), this.options.gaugeIntervalMs ?? 5000);
    this.gaugeTimer.unref();
    this.refreshPending();
    this.loop = this.run();
  }

  /** Stops reading (aborting a blocking read); entries not yet handed to the send queue stay pending in Redis. */
  async stopReading(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.stream.abortReads();
    this.wake();
    await this.loop?.catch(() => undefined);
  }

  /** After stopReading and the send queue's drain: waits (bounded) for acknowledgements under way, then closes. */
  async close(timeoutMs = 2000): Promise<void> {
    await this.stopReading();
    if (this.finishing.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([Promise.all(this.finishing), new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
      clearTimeout(timer);
    }
    this.closed = true;
    if (this.gaugeTimer) clearInterval(this.gaugeTimer);
    if (this.inflight.size > 0) {
      this.log.info({ unacknowledged: this.inflight.size }, 'notices not yet sent stay queued in Redis for the next start');
    }
    await this.stream.close();
  }

  /**
   * The IRC connection dropped: no notice not yet finished can be proven
   * delivered any more. Each is forgotten (its lines still queued are
   * skipped) and read again from Redis, where it is still pending, so they
   * go out again whole and in stream order.
   */
  private abandonUnfinished(): void {
    let abandoned = 0;
    for (const [entryId, flight] of [...this.inflight]) {
      if (flight.finishing || flight.cancelled) continue;
      flight.cancelled = true;
      this.inflight.delete(entryId);
      abandoned++;
    }
    this.metrics.noticesInFlight.set(this.inflight.size);
    if (abandoned > 0) {
      this.log.info({ notices: abandoned }, 'IRC connection lost before the server confirmed these notices; they will be sent again once it is back');
      this.requestRescan();
    }
  }

  private requestRescan(): void {
    this.generation++;
    this.rescan = true;
    this.cursor = '0';
    this.wake();
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      try {
        await this.until(() => this.stopping || (this.irc.isReady && this.inflight.size < this.options.window));
        if (this.stopping) break;
        const room = Math.min(READ_BATCH, this.options.window - this.inflight.size);
        const generation = this.generation;
        const entries = await this.nextEntries(room);
        if (entries.length > 0 && generation === this.generation) await this.handle(entries, generation);
        failures = 0;
      } catch (err) {
        if (this.stopping) break;
        failures++;
        if (isNoGroupError(err)) {
          this.log.warn('the notices stream or its group is gone (Redis restarted without persistence?); recreating the group');
          await this.stream.ensureGroup().catch(() => undefined);
          this.requestRescan();
        } else {
          this.log.warn({ err: (err as Error).message }, 'reading durable notices failed; retrying');
        }
        await this.sleep(Math.min(100 * 2 ** failures, 5000));
      }
    }
  }

  private async nextEntries(room: number): Promise<StreamEntry[]> {
    if (!this.rescan) return this.stream.readNew(room, this.options.blockMs ?? 5000);
    if (this.cursor === '0') {
      const claimed = await this.stream.claimAbandoned(this.options.claimIdleMs ?? 60_000);
      if (claimed > 0) this.log.info({ claimed }, 'took over notices left pending by another consumer');
    }
    const generation = this.generation;
    const entries = await this.stream.readPending(this.cursor, room);
    if (generation !== this.generation) return []; // a new rescan from 0 was asked for meanwhile
    if (entries.length === 0) {
      this.rescan = false;
      return [];
    }
    this.cursor = entries[entries.length - 1].entryId;
    const fresh = entries.filter((e) => !this.inflight.has(e.entryId));
    if (fresh.length > 0) this.log.info({ count: fresh.length }, 'resuming notices left unacknowledged (e.g. by a crash); some may be sent a second time');
    return fresh;
  }

  private async handle(entries: StreamEntry[], generation: number): Promise<void> {
    const nowMs = await this.stream.serverTimeMs();
    const context = {
      nowMs,
      maxAgeMs: this.options.maxAgeMs,
      maxBytes: this.options.maxBytes,
      identity: this.irc.identity,
      rawAllow: this.options.rawAllow,
      ...this.irc.multilineContext(),
    };
    for (const entry of entries) {
      if (this.stopping || generation !== this.generation) return;
      if (this.inflight.has(entry.entryId)) continue;
      let decision: NoticeDecision;
      try {
        decision = decideNotice(entry, context);
      } catch (err) {
        // A bug, not bad input: never let one entry stop the ones after it.
        this.track(entry.entryId, { id: undefined, fields: entry.fields, remaining: 0, cancelled: false, finishing: false });
        this.deadLetter(entry.entryId, entry.fields, `the bot could not read this entry: ${(err as Error).message}`);
        continue;
      }
      await this.take(decision, entry.fields, generation);
    }
  }

  private async take(decision: NoticeDecision, fields: string[] | null, generation: number): Promise<void> {
    const { entryId } = decision;
    if (decision.kind === 'gone') {
      this.track(entryId, { id: undefined, fields, remaining: 0, cancelled: false, finishing: false });
      this.finish(entryId, undefined, undefined);
      return;
    }
    if (decision.kind !== 'send') {
      this.track(entryId, { id: decision.id, fields, remaining: 0, cancelled: false, finishing: false });
      const level = decision.kind === 'expired' ? 'info' : 'warn';
      this.log[level]({ id: decision.id, code: decision.code, reason: decision.reason }, `notice ${decision.kind}`);
      this.finish(entryId, decision.id, fateRecord({ id: decision.id, entryId, state: decision.kind, code: decision.code, reason: decision.reason }, Date.now()));
      return;
    }
    const flight: InFlight = { id: decision.id, fields, remaining: decision.lines.length, cancelled: false, finishing: false };
    this.track(entryId, flight);
    // A notice that is still waiting in the send queue when it passes its maximum
    // age (a long IRC outage) is dropped unsent, unless a line of it already went out.
    const { maxAgeMs } = this.options;
    const deadline = maxAgeMs > 0 ? performance.now() + maxAgeMs - decision.ageMs : undefined;
    let written = 0;
    const results = new Map<string, TargetResult>();
    for (const line of decision.lines) {
      if (!results.has(line.key)) results.set(line.key, { target: outgoingCommand(line.line).target ?? line.key, refusal: undefined });
    }
    const settle = () => {
      if (flight.cancelled) return;
      flight.remaining--;
      if (flight.remaining > 0) return;
      if (written > 0) {
        const outcome = noticeOutcome([...results.values()]);
        if (outcome.state === 'rejected') this.log.warn({ id: decision.id, code: outcome.code, reason: outcome.reason }, 'notice rejected by the IRC server');
        this.finish(entryId, decision.id, fateRecord({ id: decision.id, entryId, ...outcome }, Date.now()), flight);
        return;
      }
      const reason = `waited in the send queue past the maximum age of ${Math.round(maxAgeMs / 1000)} s (ZEN_NOTICE_MAX_AGE_SECONDS), e.g. during an IRC outage`;
      this.log.info({ id: decision.id, code: 'expired', reason }, 'notice expired');
      this.finish(entryId, decision.id, fateRecord({ id: decision.id, entryId, state: 'expired', code: 'expired', reason }, Date.now()), flight);
    };
    const lines: OutboundLine[] = decision.lines.map((line) => ({
      ...line,
      onWritten: () => {
        written++;
        line.onWritten?.();
      },
      outcome: (outcome) => {
        if (flight.cancelled) return;
        if (outcome.kind === 'lost') {
          this.abandonUnfinished();
          return;
        }
        const result = results.get(line.key);
        if (outcome.kind === 'refused' && result && !result.refusal) result.refusal = outcome.refusal;
        settle();
      },
      // A line's own skip (the rest of a multiline batch opened on an earlier connection) counts too.
      skipIf: () => flight.cancelled || (deadline !== undefined && written === 0 && performance.now() > deadline) || line.skipIf?.() === true,
      onSkipped: settle,
    }));
    while (!this.queue.enqueue(lines)) {
      if (this.stopping || generation !== this.generation) {
        flight.cancelled = true;
        if (this.inflight.get(entryId) === flight) this.untrack(entryId); // still pending in Redis: read again (rescan or next start)
        return;
      }
      if (!this.loggedQueueFull) this.log.warn({ queued: this.queue.depth }, 'send queue full; durable notices wait for room');
      this.loggedQueueFull = true;
      await this.sleep(QUEUE_FULL_RETRY_MS);
    }
    this.loggedQueueFull = false;
    this.metrics.queueDepth.set(this.queue.depth);
  }

  /**
   * Records the fate and acknowledges, retrying until it works or the consumer
   * is closed. When Redis refuses the fate for good (or FATE_REPLY_ERRORS_MAX
   * times in a row), the entry goes to the dead-letter stream instead.
   */
  private finish(entryId: string, id: string | undefined, record: FateRecord | undefined, flight?: InFlight): void {
    if (flight) flight.finishing = true;
    let replyErrors = 0;
    this.settle(entryId, id, 'recording a notice fate', async () => {
      try {
        const length = await this.stream.finish(entryId, id, record);
        if (record) this.metrics.notices.inc({ state: record.fields.state });
        return length;
      } catch (err) {
        if (isNoGroupError(err) || !(isPermanentRedisError(err) || (isReplyError(err) && ++replyErrors >= FATE_REPLY_ERRORS_MAX))) throw err;
        const fields = this.inflight.get(entryId)?.fields ?? null;
        const reason = `Redis refused its fate${id === undefined ? '' : ` (key of notice ${JSON.stringify(id)})`}: ${(err as Error).message}`;
        return this.moveToDeadLetters(entryId, id, fields, reason);
      }
    });
  }

  /** Moves an entry to the dead-letter stream and acknowledges it, retrying like finish(). */
  private deadLetter(entryId: string, fields: string[] | null, reason: string): void {
    this.settle(entryId, undefined, 'moving a notice to the dead-letter stream', () => this.moveToDeadLetters(entryId, undefined, fields, reason));
  }

  private async moveToDeadLetters(entryId: string, id: string | undefined, fields: string[] | null, reason: string): Promise<number> {
    const length = await this.stream.deadLetter(entryId, fields, reason);
    this.metrics.noticesDeadLettered.inc();
    this.log.error({ id, entryId, reason }, 'moved a notice the bot cannot handle to the dead-letter stream');
    return length;
  }

  /** Runs `attempt` until it resolves (with the stream length) or the consumer is closed; then releases the entry. */
  private settle(entryId: string, id: string | undefined, what: string, attempt: () => Promise<number>): void {
    const done = (async () => {
      for (let tries = 1; ; tries++) {
        try {
          this.metrics.noticesPending.set(await attempt());
          return;
        } catch (err) {
          if (this.closed) {
            this.log.warn({ id, entryId }, 'could not acknowledge a notice before closing; it will be sent again after the restart');
            return;
          }
          this.log.warn({ id, entryId, err: (err as Error).message }, `${what} failed; retrying`);
          if (isNoGroupError(err)) await this.stream.ensureGroup().catch(() => undefined); // Redis lost its data
          await this.sleep(Math.min(200 * 2 ** tries, 5000), true);
        }
      }
    })().finally(() => {
      this.finishing.delete(done);
      this.untrack(entryId);
    });
    this.finishing.add(done);
  }

  private track(entryId: string, flight: InFlight): void {
    this.inflight.set(entryId, flight);
    this.metrics.noticesInFlight.set(this.inflight.size);
  }

  private untrack(entryId: string): void {
    this.inflight.delete(entryId);
    this.metrics.noticesInFlight.set(this.inflight.size);
    this.wake();
  }

  private refreshPending(): void {
    if (this.closed || this.stream.writer.status !== 'ready') return;
    this.stream.length().then(
      (length) => this.metrics.noticesPending.set(length),
      () => undefined,
    );
  }

  private wake(): void {
    for (const waker of [...this.wakers]) waker();
  }

  /** Resolves once `condition` holds, checking on every wake and at least every second. */
  private async until(condition: () => boolean): Promise<void> {
    while (!condition()) await this.sleep(IDLE_RECHECK_MS);
  }

  /** Sleeps `ms`, or less when woken (unless `ignoreWake`). */
  private sleep(ms: number, ignoreWake = false): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref();
      if (!ignoreWake) this.wakers.add(done);
    });
  }
}
