import { LINES_PER_TURN, RAW_KEY, SendQueue, type OutboundLine, type SendQueueOptions, type WrittenEvent } from './sendQueue';

/** Lines for one key, named `${key}${n}`. */
function lines(key: string, count: number, from = 1): OutboundLine[] {
  return Array.from({ length: count }, (_, k) => ({ key, line: `${key}${from + k}` }));
}

interface Harness {
  queue: SendQueue;
  /** Lines written, in order. */
  written: string[];
  /** Fake-clock time of each write. */
  times: number[];
  writer: (line: string) => boolean;
}

function harness(options: Partial<SendQueueOptions> = {}): Harness {
  const queue = new SendQueue({ burst: 5, ratePerSecond: 0, maxLines: 10_000, now: () => Date.now(), ...options });
  const written: string[] = [];
  const times: number[] = [];
  const writer = (line: string): boolean => {
    written.push(line);
    times.push(Date.now());
    return true;
  };
  return { queue, written, times, writer };
}

describe('SendQueue', () => {
  let open: SendQueue[] = [];
  const make = (options: Partial<SendQueueOptions> = {}): Harness => {
    const h = harness(options);
    open.push(h.queue);
    return h;
  };

  beforeEach(() => {
    jest.useFakeTimers({ now: 0 });
  });

  afterEach(() => {
    for (const q of open) q.close();
    open = [];
    expect(jest.getTimerCount()).toBe(0);
    jest.useRealTimers();
  });

  it('corks the writer around each turn: every line of a turn is written between cork and release', () => {
    const { queue, written, writer } = make({ maxLines: 10_000 });
    const events: string[] = [];
    queue.setWriter(
      (line) => {
        events.push('write');
        return writer(line);
      },
      () => {
        events.push('cork');
        return () => events.push('release');
      },
    );
    queue.enqueue(lines('#a', LINES_PER_TURN + 3));
    jest.advanceTimersToNextTimer();
    jest.advanceTimersToNextTimer();
    expect(written).toHaveLength(LINES_PER_TURN + 3);
    const expected = ['cork', ...Array(LINES_PER_TURN).fill('write'), 'release', 'cork', 'write', 'write', 'write', 'release'];
    expect(events).toEqual(expected);
    queue.setWriter(null);
    queue.setWriter(writer);
    queue.enqueue(lines('#b', 1));
    jest.advanceTimersToNextTimer();
    expect(written).toHaveLength(LINES_PER_TURN + 4);
    expect(events).toEqual(expected); // a writer set without a cork is not corked
  });

  it('validates its options', () => {
    expect(() => new SendQueue({ burst: 0, ratePerSecond: 1, maxLines: 10 })).toThrow(RangeError);
    expect(() => new SendQueue({ burst: 1, ratePerSecond: -1, maxLines: 10 })).toThrow(RangeError);
    expect(() => new SendQueue({ burst: 1, ratePerSecond: 1, maxLines: 0 })).toThrow(RangeError);
  });

  it('drops a line whose skipIf says so, without writing it or spending a token', () => {
    const { queue, written, writer } = make({ burst: 2, ratePerSecond: 1 });
    const skipped: string[] = [];
    let stale = true;
    queue.enqueue([
      { key: '#a', line: 'old', skipIf: () => stale, onSkipped: () => skipped.push('old') },
      { key: '#a', line: 'fresh1' },
      { key: '#a', line: 'fresh2' },
    ]);
    queue.setWriter(writer);
    jest.advanceTimersByTime(0);
    expect(skipped).toEqual(['old']);
    expect(written).toEqual(['fresh1', 'fresh2']); // the burst of 2 went to real lines
    stale = false;
    queue.enqueue([{ key: '#a', line: 'kept', skipIf: () => stale, onSkipped: () => skipped.push('kept') }]);
    jest.advanceTimersByTime(1000);
    expect(written).toEqual(['fresh1', 'fresh2', 'kept']);
    expect(skipped).toEqual(['old']);
  });

  it('asks skipIf only when the line is due, so a line can go stale while waiting', () => {
    const { queue, written, writer } = make({ burst: 1, ratePerSecond: 1 });
    let checks = 0;
    queue.enqueue([{ key: '#a', line: 'first' }, { key: '#a', line: 'later', skipIf: () => (checks++, Date.now() >= 1000) }]);
    queue.setWriter(writer);
    jest.advanceTimersByTime(999);
    expect(written).toEqual(['first']);
    jest.advanceTimersByTime(1);
    expect(written).toEqual(['first']);
    expect(queue.depth).toBe(0);
    expect(checks).toBeGreaterThanOrEqual(1);
  });

  it('counts lines written outside the queue against the rate (charge)', () => {
    const { queue, written, times, writer } = make({ burst: 4, ratePerSecond: 1 });
    queue.charge(3); // e.g. the connection's own JOIN and PONGs
    queue.setWriter(writer);
    queue.enqueue(lines('#a', 3));
    jest.advanceTimersByTime(0);
    expect(written).toEqual(['#a1']); // 4 - 3 = one token left
    jest.advanceTimersByTime(2000);
    expect(written).toEqual(['#a1', '#a2', '#a3']);
    expect(times).toEqual([0, 1000, 2000]);
  });

  it('lets a charge go into debt, down to minus the burst', () => {
    const { queue, written, times, writer } = make({ burst: 2, ratePerSecond: 1 });
    queue.charge(10);
    queue.setWriter(writer);
    queue.enqueue(lines('#a', 1));
    jest.advanceTimersByTime(2999);
    expect(written).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(times).toEqual([3000]); // from -2 back to 1 token takes 3 s, not 9
  });

  it('writes lines of one key in order, asynchronously', () => {
    const { queue, written, writer } = make();
    queue.setWriter(writer);
    expect(queue.enqueue(lines('#a', 5))).toBe(true);
    expect(written).toEqual([]); // never inside enqueue
    jest.advanceTimersByTime(0);
    expect(written).toEqual(['#a1', '#a2', '#a3', '#a4', '#a5']);
    expect(queue.depth).toBe(0);
  });

  it('lets a later key through ahead of a long backlog', () => {
    const { queue, written, writer } = make({ burst: 1, ratePerSecond: 1 });
    queue.enqueue(lines('#busy', 100));
    queue.enqueue(lines('#quiet', 1));
    queue.setWriter(writer);
    jest.advanceTimersByTime(2000);
    expect(written.slice(0, 3)).toContain('#quiet1');
    expect(written.filter((l) => l.startsWith('#busy'))).toEqual(lines('#busy', written.length - 1).map((l) => l.line));
  });

  it('interleaves keys round-robin', () => {
    const { queue, written, writer } = make();
    queue.enqueue([...lines('#a', 3), ...lines('#b', 2), ...lines(RAW_KEY, 1)]);
    queue.setWriter(writer);
    jest.advanceTimersByTime(0);
    expect(written).toEqual(['#a1', '#b1', '*raw1', '#a2', '#b2', '#a3']);
  });

  it('sends the burst, then one line per second', () => {
    const { queue, times, writer } = make({ burst: 5, ratePerSecond: 1 });
    queue.enqueue(lines('#a', 12));
    queue.setWriter(writer);
    jest.advanceTimersByTime(0);
    expect(times).toEqual([0, 0, 0, 0, 0]);
    jest.advanceTimersByTime(999);
    expect(times.length).toBe(5);
    jest.advanceTimersByTime(1);
    expect(times.length).toBe(6);
    jest.advanceTimersByTime(10_000);
    expect(times).toEqual([0, 0, 0, 0, 0, 1000, 2000, 3000, 4000, 5000, 6000, 7000]);
  });

  it('refills the bucket while idle', () => {
    const { queue, times, writer } = make({ burst: 2, ratePerSecond: 1 });
    queue.setWriter(writer);
    queue.enqueue(lines('#a', 3));
    jest.advanceTimersByTime(10_000);
    expect(times).toEqual([0, 0, 1000]);
    queue.enqueue(lines('#a', 3, 4));
    jest.advanceTimersByTime(10_000);
    expect(times).toEqual([0, 0, 1000, 10_000, 10_000, 11_000]);
  });

  it('writes nothing without a writer, then everything in order once one is set', () => {
    const { queue, written, writer } = make();
    queue.enqueue(lines('#a', 3));
    queue.enqueue(lines('#b', 2));
    jest.advanceTimersByTime(60_000);
    expect(written).toEqual([]);
    expect(queue.depth).toBe(5);
    expect(queue.hasWriter).toBe(false);
    queue.setWriter(writer);
    jest.advanceTimersByTime(0);
    expect(written).toEqual(['#a1', '#b1', '#a2', '#b2', '#a3']);
  });

  it('stops when the writer is taken away', () => {
    const { queue, written, writer } = make({ burst: 1, ratePerSecond: 1 });
    queue.enqueue(lines('#a', 5));
    queue.setWriter(writer);
    jest.advanceTimersByTime(1000);
    expect(written).toEqual(['#a1', '#a2']);
    queue.setWriter(null);
    jest.advanceTimersByTime(10_000);
    expect(written).toEqual(['#a1', '#a2']);
    expect(queue.depth).toBe(3);
    queue.setWriter(writer);
    jest.advanceTimersByTime(0);
    expect(written).toEqual(['#a1', '#a2', '#a3']); // the bucket had refilled to its burst of 1
    jest.advanceTimersByTime(2000);
    expect(written).toEqual(['#a1', '#a2', '#a3', '#a4', '#a5']);
  });

  it('puts the line back and pauses when the writer fails', () => {
    const { queue, written, writer } = make();
    const paused = jest.fn();
    queue.on('paused', paused);
    let calls = 0;
    queue.setWriter((line) => (++calls === 3 ? false : writer(line)));
    queue.enqueue([...lines('#a', 3), ...lines('#b', 3)]);
    jest.advanceTimersByTime(1000);
    expect(written).toEqual(['#a1', '#b1']);
    expect(paused).toHaveBeenCalledTimes(1);
    expect(queue.hasWriter).toBe(false);
    expect(queue.depth).toBe(4);
    queue.setWriter(writer);
    jest.advanceTimersByTime(0);
    expect(written).toEqual(['#a1', '#b1', '#a2', '#b2', '#a3', '#b3']);
  });

  it('treats a throwing writer like a failed one', () => {
    const { queue, written, writer } = make();
    queue.setWriter(() => {
      throw new Error('socket destroyed');
    });
    queue.enqueue(lines('#a', 2));
    jest.advanceTimersByTime(0);
    expect(queue.depth).toBe(2);
    queue.setWriter(writer);
    jest.advanceTimersByTime(0);
    expect(written).toEqual(['#a1', '#a2']);
  });

  it('does not spend a token on a failed write', () => {
    const { queue, times, writer } = make({ burst: 1, ratePerSecond: 1 });
    queue.setWriter(() => false);
    queue.enqueue(lines('#a', 2));
    jest.advanceTimersByTime(0);
    queue.setWriter(writer);
    jest.advanceTimersByTime(5000);
    expect(times).toEqual([0, 1000]);
  });

  it('refuses a whole batch that would exceed maxLines', () => {
    const { queue, written, writer } = make({ maxLines: 5 });
    expect(queue.enqueue(lines('#a', 3))).toBe(true);
    expect(queue.enqueue(lines('#b', 3))).toBe(false);
    expect(queue.depth).toBe(3);
    expect(queue.depthOf('#b')).toBe(0);
    expect(queue.enqueue(lines('#b', 2))).toBe(true);
    expect(queue.depth).toBe(5);
    expect(queue.enqueue(lines('#c', 1))).toBe(false);
    expect(queue.enqueue([])).toBe(true);
    queue.setWriter(writer);
    jest.advanceTimersByTime(0);
    expect(written.length).toBe(5);
    expect(queue.enqueue(lines('#c', 6))).toBe(false);
    expect(queue.enqueue(lines('#c', 5))).toBe(true);
  });

  it('reports each write with the time it waited', () => {
    const { queue, writer } = make({ burst: 1, ratePerSecond: 1 });
    const events: WrittenEvent[] = [];
    queue.on('written', (e) => events.push(e));
    const onWritten = jest.fn();
    queue.enqueue([{ key: '#a', line: 'one', onWritten }, { key: '#a', line: 'two' }, { key: '#b', line: 'three' }]);
    jest.advanceTimersByTime(500);
    queue.setWriter(writer);
    jest.advanceTimersByTime(5000);
    expect(events).toEqual([
      { key: '#a', line: 'one', waitedMs: 500 },
      { key: '#b', line: 'three', waitedMs: 1500 },
      { key: '#a', line: 'two', waitedMs: 2500 },
    ]);
    expect(onWritten).toHaveBeenCalledTimes(1);
  });

  it('emits drained when the queue empties', () => {
    const { queue, writer } = make();
    const drained = jest.fn();
    queue.on('drained', drained);
    queue.setWriter(writer);
    queue.enqueue(lines('#a', 3));
    jest.advanceTimersByTime(0);
    expect(drained).toHaveBeenCalledTimes(1);
  });

  it('yields to the event loop during a large unlimited burst', () => {
    const { queue, written, writer } = make({ ratePerSecond: 0 });
    queue.enqueue(lines('#a', 1000));
    queue.setWriter(writer);
    expect(written.length).toBe(0);
    jest.advanceTimersToNextTimer();
    expect(written.length).toBe(LINES_PER_TURN);
    jest.runAllTimers();
    expect(written).toEqual(lines('#a', 1000).map((l) => l.line));
  });

  it('keeps going after a throwing listener', () => {
    const { queue, written, writer } = make();
    let thrown = false;
    queue.on('written', () => {
      if (!thrown) {
        thrown = true;
        throw new Error('listener bug');
      }
    });
    queue.setWriter(writer);
    queue.enqueue(lines('#a', 3));
    expect(() => jest.advanceTimersByTime(0)).toThrow('listener bug');
    jest.runAllTimers();
    expect(written).toEqual(['#a1', '#a2', '#a3']);
  });

  describe('drain', () => {
    it('resolves true at once when empty', async () => {
      const { queue } = make();
      await expect(queue.drain(1000)).resolves.toBe(true);
    });

    it('resolves true once everything is written', async () => {
      const { queue, written, writer } = make({ burst: 1, ratePerSecond: 1 });
      queue.enqueue(lines('#a', 3));
      queue.setWriter(writer);
      const drained = queue.drain(10_000);
      jest.advanceTimersByTime(2000);
      await expect(drained).resolves.toBe(true);
      expect(written.length).toBe(3);
    });

    it('resolves false on timeout when there is no writer', async () => {
      const { queue } = make();
      queue.enqueue(lines('#a', 1));
      const drained = queue.drain(1000);
      jest.advanceTimersByTime(1000);
      await expect(drained).resolves.toBe(false);
      expect(queue.depth).toBe(1);
    });

    it('resolves false when the queue is closed', async () => {
      const { queue } = make();
      queue.enqueue(lines('#a', 1));
      const drained = queue.drain(1000);
      queue.close();
      await expect(drained).resolves.toBe(false);
    });
  });

  it('clear() drops queued lines', () => {
    const { queue, written, writer } = make();
    queue.enqueue(lines('#a', 3));
    queue.clear();
    queue.setWriter(writer);
    jest.advanceTimersByTime(1000);
    expect(written).toEqual([]);
    expect(queue.depth).toBe(0);
  });

  it('close() clears its timers and refuses new lines', () => {
    const { queue, written, writer } = make({ burst: 1, ratePerSecond: 1 });
    queue.enqueue(lines('#a', 3));
    queue.setWriter(writer);
    jest.advanceTimersByTime(0);
    expect(jest.getTimerCount()).toBe(1); // waiting for the next token
    queue.close();
    expect(jest.getTimerCount()).toBe(0);
    expect(queue.enqueue(lines('#a', 1))).toBe(false);
    queue.setWriter(writer);
    jest.advanceTimersByTime(10_000);
    expect(written).toEqual(['#a1']);
  });
});

describe('SendQueue timers (real timers)', () => {
  it('does not keep the process alive while waiting', async () => {
    const queue = new SendQueue({ burst: 1, ratePerSecond: 0.001, maxLines: 10 });
    queue.setWriter(() => true);
    queue.enqueue(lines('#a', 2));
    await new Promise<void>((resolve) => setImmediate(resolve));
    const timer = (queue as unknown as { timer: NodeJS.Timeout | undefined }).timer;
    expect(timer).toBeDefined();
    expect(timer?.hasRef()).toBe(false);
    queue.close();
    expect((queue as unknown as { timer: NodeJS.Timeout | undefined }).timer).toBeUndefined();
  });
});
