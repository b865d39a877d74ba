/**
 * Counting what was sent against what the IRC user received, attributed to
 * fault windows. Pure logic (unit-tested in tally.test.ts).
 *
 * A message belongs to the first fault window it could have been caught in:
 * it was sent no earlier than `graceMs` before the fault began and no later
 * than the fault's recovery. Anything else is "quiet": sent while all was well.
 */

export interface FaultWindow {
  kind: string;
  /** When the fault was injected (ms, any clock shared with sentAt). */
  start: number;
  /** When everything was seen working again. */
  recovered: number;
}

export interface Sent {
  n: number;
  sentAt: number;
}

export interface KindTally {
  faults: number;
  sent: number;
  received: number;
  lost: number;
  duplicated: number;
}

export const QUIET = 'quiet';

/** The kind of the window `sentAt` falls in, or QUIET. */
export function attribute(windows: readonly FaultWindow[], sentAt: number, graceMs: number): string {
  for (const w of windows) if (sentAt >= w.start - graceMs && sentAt <= w.recovered) return w.kind;
  return QUIET;
}

/**
 * Tallies per fault kind: `sent` numbered messages against `receivedNumbers`
 * (every arrival, repeats included). Numbers never sent are ignored here
 * (the caller reports them as unexpected).
 */
export function tally(windows: readonly FaultWindow[], sent: readonly Sent[], receivedNumbers: readonly number[], graceMs: number): Map<string, KindTally> {
  const times = new Map<number, number>();
  for (const n of receivedNumbers) times.set(n, (times.get(n) ?? 0) + 1);
  const out = new Map<string, KindTally>();
  const row = (kind: string): KindTally => {
    let r = out.get(kind);
    if (!r) {
      r = { faults: 0, sent: 0, received: 0, lost: 0, duplicated: 0 };
      out.set(kind, r);
    }
    return r;
  };
  row(QUIET);
  for (const w of windows) row(w.kind).faults++;
  for (const s of sent) {
    const r = row(attribute(windows, s.sentAt, graceMs));
    const count = times.get(s.n) ?? 0;
    r.sent++;
    if (count > 0) r.received++;
    else r.lost++;
    r.duplicated += Math.max(0, count - 1);
  }
  return out;
}
