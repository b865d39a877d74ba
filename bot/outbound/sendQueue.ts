/**
 * The bot's outgoing line queue: holds complete IRC lines, writes them through
 * a writer (the IRC socket) in fair round-robin order across keys (targets),
 * no faster than a token bucket allows. While there is no writer (IRC down or
 * not registered) lines wait; a failed write puts the line back and pauses.
 *
 * The rate-limit timer is unref'd and close() clears every timer, so an idle
 * or rate-limited queue never keeps the process alive on its own. The
 * setImmediate between chunks of LINES_PER_TURN lines is NOT unref'd: an
 * unref'd immediate does not stop the event loop's poll phase from blocking,
 * so with no other work (no HTTP endpoint, no busy socket) each chunk would
 * wait for unrelated I/O or a timer. It only exists while lines are waiting
 * and a writer is set.
 */
import { EventEmitter } from 'node:events';
import type { OutcomeListener } from '../delivery/lineOutcome';
import { FairQueue, type KeyedItem } from './fairQueue';
import { chargeTokens, createBucket, takeToken, type BucketOptions, type TokenBucket } from '@zenrelay/runtime';

/** Key for raw lines (not tied to one target). */
export const RAW_KEY = '*raw';

/** Most lines written in one turn of the event loop before yielding with setImmediate. */
export const LINES_PER_TURN = 64;

export interface OutboundLine {
  /** Fairness key: the target, normalised (lowercased) by the caller; RAW_KEY for raw lines. */
  key: string;
  /** One complete IRC line, without CRLF. */
  line: string;
  /** Called once the line has been handed to the writer. */
  onWritten?: () => void;
  /**
   * Asked just before the line would be written: true drops it unwritten (no
   * token spent) and calls onSkipped. For lines that went stale while waiting,
   * e.g. a notice past its maximum age after a long IRC outage.
   */
  skipIf?: () => boolean;
  onSkipped?: () => void;
  /**
   * Handed to the writer with the line, for whoever learns what became of it
   * (the delivery tracker: confirmed by the server, refused, or lost).
   */
  outcome?: OutcomeListener;
}

/**
 * Writes one line (the writer adds CRLF). Returns false when the line could not
 * be handed over at all (socket gone). Not net.Socket#write's return value:
 * that is false when the socket's buffer is full, yet the data was accepted.
 */
export type LineWriter = (line: string, outcome?: OutcomeListener) => boolean;

/**
 * Holds the writer's output back until the returned release function runs,
 * so that the lines of one turn leave in one socket write instead of one
 * system call each (e.g. net.Socket cork/uncork). Optional.
 */
export type WriteCork = () => () => void;

export interface SendQueueOptions {
  /** Lines that may go out back to back. */
  burst: number;
  /** Sustained lines per second; 0 means unlimited. */
  ratePerSecond: number;
  /** Most lines held at once; a batch that would go over is refused whole. Infinity for no limit. */
  maxLines: number;
  /** Clock in milliseconds; defaults to performance.now(). */
  now?: () => number;
}

export interface WrittenEvent {
  key: string;
  line: string;
  /** Milliseconds from enqueue to write. */
  waitedMs: number;
}

export type SendQueueEvents = {
  /** A line was handed to the writer. */
  written: [event: WrittenEvent];
  /** The queue became empty after writing. */
  drained: [];
  /** A write failed; the line went back and sending waits for setWriter. */
  paused: [];
  /** A line was dropped unwritten because its skipIf said so. */
  skipped: [event: { key: string; line: string }];
};

interface QueuedLine {
  line: string;
  onWritten: (() => void) | undefined;
  skipIf: (() => boolean) | undefined;
  onSkipped: (() => void) | undefined;
  outcome: OutcomeListener | undefined;
  enqueuedAt: number;
}

interface DrainWaiter {
  resolve: (drained: boolean) => void;
  timer: NodeJS.Timeout;
}

export class SendQueue extends EventEmitter<SendQueueEvents> {
  private readonly queue = new FairQueue<QueuedLine>();
  private readonly bucketOptions: BucketOptions;
  private readonly maxLines: number;
  private readonly now: () => number;
  private bucket: TokenBucket;
  private writer: LineWriter | null = null;
  private cork: WriteCork | undefined;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private readonly drainWaiters = new Set<DrainWaiter>();
  private closed = false;

  constructor(options: SendQueueOptions) {
    super();
    const { burst, ratePerSecond, maxLines } = options;
    if (!(burst >= 1)) throw new RangeError(`burst must be at least 1, got ${burst}`);
    if (!(ratePerSecond >= 0)) throw new RangeError(`ratePerSecond must be 0 or more, got ${ratePerSecond}`);
    if (!(maxLines >= 1)) throw new RangeError(`maxLines must be at least 1, got ${maxLines}`);
    this.bucketOptions = { burst, ratePerSecond };
    this.maxLines = maxLines;
    this.now = options.now ?? (() => performance.now());
    this.bucket = createBucket(burst, this.now());
  }

  /** Lines waiting to be written. */
  get depth(): number {
    return this.queue.size;
  }

  /** Lines waiting for one key. */
  depthOf(key: string): number {
    return this.queue.sizeOf(key);
  }

  /** Whether a writer is set (lines are being sent). */
  get hasWriter(): boolean {
    return this.writer !== null;
  }

  /**
   * Queues a batch of lines, in order (lines of one key keep their order; the
   * batch may mix keys). All or nothing: returns false and queues none of the
   * batch when it would take the queue past maxLines, or after close().
   * Writing starts on a later turn of the event loop, never inside this call.
   */
  enqueue(lines: readonly OutboundLine[]): boolean {
    if (this.closed) return false;
    if (lines.length === 0) return true;
    if (this.queue.size + lines.length > this.maxLines) return false;
    const enqueuedAt = this.now();
    for (const { key, line, onWritten, skipIf, onSkipped, outcome } of lines) {
      this.queue.push(key, { line, onWritten, skipIf, onSkipped, outcome, enqueuedAt });
    }
    this.schedule();
    return true;
  }

  /**
   * Counts `lines` written to the same connection outside this queue (the
   * connection's own PONG, JOIN, NICK) against the rate limit, so that
   * together they stay within it. Queued lines wait until the debt is paid.
   */
  charge(lines: number): void {
    this.bucket = chargeTokens(this.bucket, lines, this.bucketOptions, this.now());
  }

  /**
   * Sets where lines go. null stops sending (everything stays queued); a
   * writer starts or resumes it. Rate limiting carries over: setting a writer
   * does not refill the bucket. `cork`, if given, batches each turn's writes.
   */
  setWriter(writer: LineWriter | null, cork?: WriteCork): void {
    if (this.closed) return;
    this.writer = writer;
    this.cork = writer === null ? undefined : cork;
    if (writer === null) this.clearTimers();
    else this.schedule();
  }

  /**
   * Resolves true once the queue is empty (at once if it already is), false
   * if `timeoutMs` passes first or the queue is closed. Emptying needs a writer.
   * The timeout timer is not unref'd, so awaiting drain at shutdown holds the
   * process for at most `timeoutMs`.
   */
  drain(timeoutMs: number): Promise<boolean> {
    if (this.queue.size === 0) return Promise.resolve(true);
    if (this.closed) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const waiter: DrainWaiter = {
        resolve,
        timer: setTimeout(() => {
          this.drainWaiters.delete(waiter);
          resolve(false);
        }, timeoutMs),
      };
      this.drainWaiters.add(waiter);
    });
  }

  /** Drops all queued lines (their onWritten callbacks never run). */
  clear(): void {
    this.queue.clear();
    this.clearTimers();
    this.settleDrainWaiters(true);
  }

  /**
   * Stops for good: clears timers, forgets the writer, settles pending drain()
   * calls with false. Queued lines stay (see depth) but are never written;
   * later enqueue() calls return false.
   */
  close(): void {
    this.closed = true;
    this.writer = null;
    this.clearTimers();
    this.settleDrainWaiters(this.queue.size === 0);
  }

  private clearTimers(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    if (this.immediate !== undefined) clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
  }

  /** Makes sure a pump is coming if there is work and a writer; a pending one is kept. */
  private schedule(): void {
    if (this.closed || this.writer === null || this.queue.size === 0) return;
    if (this.timer !== undefined || this.immediate !== undefined) return;
    this.immediate = setImmediate(() => {
      this.immediate = undefined;
      this.pump();
    });
    // Deliberately ref'd: see the header comment.
  }

  private wait(ms: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, ms);
    this.timer.unref();
  }

  /** Writes as many lines as the bucket and LINES_PER_TURN allow, then schedules the next pump. */
  private pump(): void {
    const release = this.writer !== null && this.queue.size > 0 ? this.cork?.() : undefined;
    try {
      for (let written = 0; written < LINES_PER_TURN; written++) {
        const writer = this.writer;
        if (writer === null || this.closed) return;
        if (this.queue.size === 0) return;
        const now = this.now();
        const next = this.queue.shift() as KeyedItem<QueuedLine>;
        if (next.item.skipIf?.()) {
          next.item.onSkipped?.();
          this.emit('skipped', { key: next.key, line: next.item.line });
          this.settleIfEmpty();
          continue;
        }
        const taken = takeToken(this.bucket, this.bucketOptions, now);
        if (!taken.ok) {
          this.queue.unshift(next.key, next.item);
          this.wait(taken.waitMs);
          return;
        }
        let ok: boolean;
        try {
          ok = writer(next.item.line, next.item.outcome);
        } catch {
          ok = false; // a throwing writer is treated like one reporting a dead socket
        }
        if (!ok) {
          // The line never left, so the token is not spent.
          this.queue.unshift(next.key, next.item);
          if (this.writer === writer) {
            // (A writer that swapped itself for a new one during the call is left in place.)
            this.writer = null;
            this.emit('paused');
          }
          return;
        }
        this.bucket = taken.bucket;
        const { key, item } = next;
        item.onWritten?.();
        this.emit('written', { key, line: item.line, waitedMs: now - item.enqueuedAt });
        this.settleIfEmpty();
      }
    } finally {
      // Runs after every exit, including a throwing callback or listener, so the queue never stalls.
      release?.();
      this.schedule();
    }
  }

  private settleIfEmpty(): void {
    if (this.queue.size > 0) return;
    this.emit('drained');
    this.settleDrainWaiters(true);
  }

  private settleDrainWaiters(drained: boolean): void {
    for (const waiter of this.drainWaiters) {
      clearTimeout(waiter.timer);
      waiter.resolve(drained);
    }
    this.drainWaiters.clear();
  }
}
