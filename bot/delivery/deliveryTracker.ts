import { lineCommand, outgoingCommand, parseIrcLine, type IrcLine } from './ircLine';
import type { LineOutcome, OutcomeListener } from './lineOutcome';
import { canAnswer, mayRefuse, refusalOf, type Refusal } from './refusals';

/**
 * Learns what became of each line the bot writes: the server's proof that it
 * processed the line, or its refusal. IRC has no per-message receipt, so:
 *
 * - with IRCv3 `labeled-response`, every PRIVMSG/NOTICE goes out with a
 *   `label` tag; the labelled reply (the echo, an `ACK`, a batch, or an
 *   error numeric / `FAIL`) settles exactly that line;
 * - with `echo-message` alone, the echo of a line settles it (matched by
 *   command, target and text, oldest first);
 * - everywhere (ngircd offers no caps), a PING with a unique token written
 *   after the lines: servers answer a client's commands in order, so its
 *   PONG proves every line before it was processed. Error replies arrive
 *   before that PONG and are matched to the oldest unsettled line to the
 *   target they name that they can answer (a 474 answers a JOIN, a 404 a
 *   PRIVMSG; a FAIL names its command).
 *
 * With labels or echoes a PING is only a backstop, sent for lines left
 * without a reply for a while. Lines still unsettled when the connection
 * drops are reported `lost`. One PING is in flight at a time; it is written
 * at once (not queued behind the lines it is to prove) and charged to the
 * send queue's rate limit, so the lines after it wait for it.
 */

export interface DeliveryTrackerOptions {
  /** Writes one line on the current connection (false when there is none). */
  writeLine(line: string): boolean;
  /** Counts a line written outside the send queue (the PING) against its rate limit. */
  charge(lines: number): void;
  /** Lines waiting in the send queue. */
  queueDepth(): number;
  /** Whether `labeled-response` is enabled on the current connection. */
  labels(): boolean;
  /** Whether `echo-message` is enabled on the current connection. */
  echo(): boolean;
  /** Whether `message-tags` is enabled (client tags on a line are dropped otherwise). Default: yes. */
  tags?(): boolean;
  /** The bot's current nick (to recognise its echoes). */
  ownNick(): string;
  /** Clock in ms; default performance.now(). */
  now?: () => number;
}

/** Without labels or echoes: a PING once this many lines wait for proof… */
export const BARRIER_LINES = 16;
/** …or once the oldest has waited this long (ms), or at once when the send queue is empty. */
export const BARRIER_MAX_DELAY_MS = 2000;
/** With labels or echoes: lines without a reply for this long (ms) get a PING. */
export const REPLY_GRACE_MS = 3000;
/** Lines without a listener (chat from `out`) kept for matching error replies, at most. */
export const UNWATCHED_MAX = 512;
/** Server batches of labelled replies followed at once, at most. */
const BATCHES_MAX = 256;

interface Entry {
  /** Key in the entries map. */
  key: number;
  /** Write order; entries of one line share it. */
  seq: number;
  command: string;
  /** Lowercased target (first parameter), if any. */
  target: string | undefined;
  text: string | undefined;
  label: string | undefined;
  listener: OutcomeListener | undefined;
  writtenAt: number;
}

interface Barrier {
  token: string;
  /** Entries with seq up to this are proven once the PONG comes. */
  covers: number;
}

/** Tags that come with their own caps (`batch`, `draft/multiline`), not with message-tags. */
const BATCH_TAGS = /^(batch=|draft\/multiline-concat(=|$))/;

/**
 * `line` with its client tags removed (for a connection that cannot carry
 * them): only a draft/multiline batch's `batch` and `draft/multiline-concat`
 * tags stay, which their caps allow without message-tags.
 */
export function withoutTags(line: string): string {
  if (!line.startsWith('@')) return line;
  const space = line.indexOf(' ');
  if (space < 0) return '';
  const kept = line.slice(1, space).split(';').filter((tag) => BATCH_TAGS.test(tag));
  const rest = line.slice(space + 1).replace(/^ +/, '');
  return kept.length > 0 ? `@${kept.join(';')} ${rest}` : rest;
}

/** `line` with `label=<label>` added to its tag section (one is made if it has none). */
export function withLabel(line: string, label: string | undefined): string {
  if (label === undefined) return line;
  return line.startsWith('@') ? `@label=${label};${line.slice(1)}` : `@label=${label} ${line}`;
}

export class DeliveryTracker {
  private readonly entries = new Map<number, Entry>();
  private readonly byLabel = new Map<string, Entry>();
  private readonly batches = new Map<string, { entry: Entry | undefined; refusal: Refusal | undefined }>();
  private readonly settleWaiters = new Set<() => void>();
  private readonly now: () => number;
  private nextKey = 0;
  private seq = 0;
  private barrierCount = 0;
  private generation = 0;
  private barrier: Barrier | undefined;
  private timer: NodeJS.Timeout | undefined;
  private watched = 0;
  private unwatched = 0;
  private closed = false;

  constructor(private readonly options: DeliveryTrackerOptions) {
    this.now = options.now ?? (() => performance.now());
  }

  /** Lines written with a listener and not settled yet. */
  get unsettled(): number {
    return this.watched;
  }

  /** PINGs sent for proof so far (for metrics and tests). */
  get barriersSent(): number {
    return this.barrierCount;
  }

  /**
   * The send queue's writer: writes `line` (with a label when the server
   * offers labeled-response) and, with a listener, reports its outcome later.
   */
  write = (line: string, listener?: OutcomeListener): boolean => {
    const { command, target } = outgoingCommand(line);
    const message = command === 'PRIVMSG' || command === 'NOTICE';
    // A draft/multiline batch is labelled on its opener; the lines inside carry no tags but its own.
    const inBatch = /^@(?:[^ ]*;)?batch=/.test(line);
    const opensBatch = command === 'BATCH' && target?.startsWith('+') === true;
    const label = ((message && !inBatch) || opensBatch) && this.options.labels() ? `zr${this.seq + 1}` : undefined;
    if (!this.options.writeLine(withLabel(this.options.tags?.() === false ? withoutTags(line) : line, label))) return false;
    const seq = ++this.seq;
    const parsed = message ? parseIrcLine(line) : undefined;
    const text = parsed?.params[1];
    const targets = target === undefined ? [undefined] : message ? [target] : target.split(',');
    targets.forEach((t, i) => this.add({ seq, command, target: t?.toLowerCase(), text, label, listener: i === 0 ? listener : undefined, writtenAt: this.now() }));
    this.check();
    return true;
  };

  /** A line the connection wrote itself (JOIN, PART, NICK): its error replies must not be taken for a notice's. */
  noteOwnLine(line: string): void {
    const { command, target } = outgoingCommand(line);
    if (command !== 'JOIN' && command !== 'PART' && command !== 'NICK') return;
    const seq = ++this.seq;
    for (const t of (target ?? '').split(',')) {
      if (t !== '') this.add({ seq, command, target: t.toLowerCase(), text: undefined, label: undefined, listener: undefined, writtenAt: this.now() });
    }
  }

  /** Every line from the server, raw (irc-framework's `raw` event keeps the CRLF; it is ignored). */
  onServerLine(raw: string): void {
    if (this.entries.size === 0 && this.barrier === undefined) return;
    // With no line watched and no PING out, only refusals can matter (they settle the bot's own JOIN or
    // MODE, so a late one is not taken for a notice's later): the rest of a flood is not parsed.
    const text = raw.replace(/[\r\n]+$/, '');
    if (this.watched === 0 && this.barrier === undefined && !mayRefuse(lineCommand(text))) return;
    const line = parseIrcLine(text);
    if (line) this.onLine(line);
  }

  /** The connection dropped: every unsettled line is `lost`, the PING in flight is forgotten. */
  connectionLost(): void {
    this.generation++;
    this.barrier = undefined;
    this.clearTimer();
    const entries = [...this.entries.values()];
    this.entries.clear();
    this.byLabel.clear();
    this.batches.clear();
    this.watched = 0;
    this.unwatched = 0;
    for (const entry of entries) this.notify(entry, { kind: 'lost' });
    this.wakeSettled();
  }

  /** Resolves true once no watched line is unsettled (at once if none is), false after `timeoutMs`. */
  settled(timeoutMs: number): Promise<boolean> {
    if (this.watched === 0) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.settleWaiters.delete(waiter);
        resolve(ok);
      };
      const waiter = () => {
        if (this.watched === 0) done(true);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      this.settleWaiters.add(waiter);
    });
  }

  close(): void {
    this.closed = true;
    this.clearTimer();
  }

  private add(fields: Omit<Entry, 'key'>): void {
    const entry: Entry = { key: this.nextKey++, ...fields };
    this.entries.set(entry.key, entry);
    if (entry.label !== undefined) this.byLabel.set(entry.label, entry);
    if (entry.listener) this.watched++;
    else if (++this.unwatched > UNWATCHED_MAX) this.dropOldestUnwatched();
  }

  private dropOldestUnwatched(): void {
    for (const entry of this.entries.values()) {
      if (entry.listener) continue;
      this.remove(entry);
      return;
    }
  }

  private remove(entry: Entry): void {
    if (!this.entries.delete(entry.key)) return;
    if (entry.label !== undefined && this.byLabel.get(entry.label) === entry) this.byLabel.delete(entry.label);
    if (entry.listener) this.watched--;
    else this.unwatched--;
  }

  private settle(entry: Entry, outcome: LineOutcome): void {
    if (!this.entries.has(entry.key)) return;
    this.remove(entry);
    this.notify(entry, outcome);
    this.wakeSettled();
  }

  private notify(entry: Entry, outcome: LineOutcome): void {
    if (!entry.listener) return;
    try {
      entry.listener(outcome);
    } catch {
      // a listener's failure is its own; the other lines still get theirs
    }
  }

  private wakeSettled(): void {
    for (const waiter of [...this.settleWaiters]) waiter();
  }

  private onLine(line: IrcLine): void {
    const { command, tags } = line;
    if (command === 'PONG') {
      const token = line.params[line.params.length - 1];
      if (this.barrier !== undefined && token === this.barrier.token) this.proven(this.barrier.covers);
      return;
    }
    const label = tags.label;
    if (command === 'BATCH' && label === undefined && this.options.echo() && line.source?.toLowerCase() === this.options.ownNick().toLowerCase()) {
      // The echo of a draft/multiline batch's BATCH +ref / -ref (a server that echoes its own ref instead leaves them to the PING).
      const ref = line.params[0]?.toLowerCase();
      const entry = this.oldestUnlabelled((e) => e.command === 'BATCH' && e.target === ref);
      if (entry) this.settle(entry, { kind: 'confirmed' });
      return;
    }
    if (command === 'BATCH') {
      const ref = line.params[0] ?? '';
      if (ref.startsWith('+') && line.params[1] === 'labeled-response' && label !== undefined) {
        if (this.batches.size >= BATCHES_MAX) this.batches.clear();
        this.batches.set(ref.slice(1), { entry: this.byLabel.get(label), refusal: undefined });
      } else if (ref.startsWith('-')) {
        const batch = this.batches.get(ref.slice(1));
        this.batches.delete(ref.slice(1));
        if (batch?.entry) this.settle(batch.entry, batch.refusal ? { kind: 'refused', refusal: batch.refusal } : { kind: 'confirmed' });
      }
      return;
    }
    const batch = tags.batch === undefined ? undefined : this.batches.get(tags.batch);
    if (batch) {
      batch.refusal ??= refusalOf(line);
      return;
    }
    if (label !== undefined) {
      const entry = this.byLabel.get(label);
      if (!entry) return;
      const refusal = refusalOf(line);
      this.settle(entry, refusal ? { kind: 'refused', refusal } : { kind: 'confirmed' });
      return;
    }
    const refusal = refusalOf(line);
    if (refusal) {
      const target = refusal.target?.toLowerCase();
      const entry = this.oldestUnlabelled(
        (e) =>
          canAnswer(refusal, e.command) &&
          // A FAIL BATCH (e.g. MULTILINE_MAX_BYTES, its context a number) answers the oldest batch still open.
          (refusal.numeric === 'FAIL' ? target === undefined || e.target === target || refusal.command === 'BATCH' : target !== undefined && e.target === target),
      );
      if (entry) this.settle(entry, { kind: 'refused', refusal });
      return;
    }
    if ((command === 'PRIVMSG' || command === 'NOTICE') && this.options.echo() && line.source?.toLowerCase() === this.options.ownNick().toLowerCase()) {
      const target = line.params[0]?.toLowerCase();
      const text = line.params[1];
      const entry = this.oldestUnlabelled((e) => e.command === command && e.target === target && e.text === text);
      if (entry) this.settle(entry, { kind: 'confirmed' });
    }
  }

  private oldestUnlabelled(match: (entry: Entry) => boolean): Entry | undefined {
    for (const entry of this.entries.values()) if (entry.label === undefined && match(entry)) return entry;
    return undefined;
  }

  /** The PONG of a barrier came: every line written before it was processed; those without a reply are confirmed. */
  private proven(covers: number): void {
    this.barrier = undefined;
    const proven: Entry[] = [];
    for (const entry of this.entries.values()) {
      if (entry.seq > covers) break;
      proven.push(entry);
    }
    for (const entry of proven) this.remove(entry);
    for (const entry of proven) this.notify(entry, { kind: 'confirmed' });
    this.wakeSettled();
    this.check();
  }

  /** Sends a PING barrier when lines wait for proof long enough (see the constants), or arms a timer for when they will. */
  private check(): void {
    if (this.closed || this.barrier !== undefined) return;
    const fast = this.options.labels() || this.options.echo();
    let oldest: number | undefined;
    let count = 0;
    for (const entry of this.entries.values()) {
      if (!entry.listener) continue;
      count++;
      oldest ??= entry.writtenAt;
    }
    if (oldest === undefined) return;
    const delay = fast ? REPLY_GRACE_MS : this.options.queueDepth() === 0 || count >= BARRIER_LINES ? 0 : BARRIER_MAX_DELAY_MS;
    const wait = oldest + delay - this.now();
    if (wait <= 0) this.sendBarrier();
    else this.armTimer(wait);
  }

  private sendBarrier(): void {
    const token = `zenrelay-${this.generation}-${this.barrierCount + 1}`;
    if (!this.options.writeLine(`PING :${token}`)) {
      this.armTimer(BARRIER_MAX_DELAY_MS); // no connection right now; a drop will report the lines lost
      return;
    }
    this.barrierCount++;
    this.options.charge(1);
    this.barrier = { token, covers: this.seq };
  }

  private armTimer(ms: number): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.check();
    }, Math.max(1, Math.ceil(ms)));
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
