import fc from 'fast-check';
import { BARRIER_LINES, DeliveryTracker, REPLY_GRACE_MS, UNWATCHED_MAX } from './deliveryTracker';
import type { LineOutcome } from './lineOutcome';

/** A tracker wired to a fake connection: `written` is what reached the socket, `charged` the lines charged to the rate limit. */
function setup(caps: { labels?: boolean; echo?: boolean } = {}) {
  let clock = 0;
  const written: string[] = [];
  let charged = 0;
  let depth = 0;
  const tracker = new DeliveryTracker({
    writeLine: (line) => (written.push(line), true),
    charge: (n) => void (charged += n),
    queueDepth: () => depth,
    labels: () => caps.labels ?? false,
    echo: () => caps.echo ?? false,
    ownNick: () => 'zenbot',
    now: () => clock,
  });
  const outcomes = new Map<string, LineOutcome[]>();
  const send = (line: string, name = line) => {
    outcomes.set(name, []);
    expect(tracker.write(line, (o) => outcomes.get(name)?.push(o))).toBe(true);
  };
  /** PINGs written so far. */
  const pings = () => written.filter((l) => l.startsWith('PING :'));
  /** The token of the last PING written (fails when none was). */
  const flushBarrier = (): string => {
    const ping = pings().at(-1);
    if (!ping) throw new Error('no PING written');
    return ping.slice('PING :'.length);
  };
  const kinds = (name: string) => outcomes.get(name)?.map((o) => o.kind);
  return {
    tracker,
    written,
    pings,
    charged: () => charged,
    outcomes,
    send,
    flushBarrier,
    kinds,
    setDepth: (n: number) => (depth = n),
    advance: (ms: number) => (clock += ms),
  };
}

afterEach(() => jest.useRealTimers());

describe('PING/PONG proof (no caps, like ngircd)', () => {
  it('confirms a line only when the PONG of a PING written after it arrives', () => {
    const t = setup();
    t.send('PRIVMSG #ops :deploy done', 'a');
    expect(t.kinds('a')).toEqual([]);
    const token = t.flushBarrier();
    expect(t.written).toEqual(['PRIVMSG #ops :deploy done', `PING :${token}`]);
    expect(t.charged()).toBe(1);
    t.tracker.onServerLine(':irc.test PONG irc.test :someone-else\r\n');
    expect(t.kinds('a')).toEqual([]);
    t.tracker.onServerLine(`:irc.test PONG irc.test :${token}\r\n`);
    expect(t.kinds('a')).toEqual(['confirmed']);
    expect(t.tracker.unsettled).toBe(0);
  });

  it('a line written after the PING waits for the next one', () => {
    const t = setup();
    t.send('PRIVMSG #ops :one', 'one');
    const first = t.flushBarrier();
    t.send('PRIVMSG #ops :two', 'two');
    expect(t.pings()).toHaveLength(1); // one PING in flight at a time
    t.tracker.onServerLine(`:irc.test PONG irc.test :${first}`);
    expect(t.kinds('one')).toEqual(['confirmed']);
    expect(t.kinds('two')).toEqual([]);
    const second = t.flushBarrier();
    expect(second).not.toBe(first);
    t.tracker.onServerLine(`:irc.test PONG irc.test :${second}`);
    expect(t.kinds('two')).toEqual(['confirmed']);
  });

  it('attributes an error reply before the PONG to the oldest line to the target it names', () => {
    const t = setup();
    t.send('PRIVMSG #ops :fine', 'ops');
    t.send('PRIVMSG NoSuchNick :hello', 'nick1');
    t.send('PRIVMSG nosuchnick :again', 'nick2');
    const token = t.flushBarrier();
    t.tracker.onServerLine(':irc.test 401 zenbot nosuchnick :No such nick or channel name');
    expect(t.outcomes.get('nick1')).toEqual([
      { kind: 'refused', refusal: { target: 'nosuchnick', code: 'no_such_nick', numeric: '401', command: undefined, reason: 'No such nick or channel name' } },
    ]);
    t.tracker.onServerLine(':irc.test 401 zenbot nosuchnick :No such nick or channel name');
    t.tracker.onServerLine(`:irc.test PONG irc.test :${token}`);
    expect(t.kinds('ops')).toEqual(['confirmed']);
    expect(t.kinds('nick2')).toEqual(['refused']);
  });

  it("does not take an error for the connection's own JOIN for a notice's", () => {
    const t = setup();
    t.send('PRIVMSG #locked :hi', 'hi');
    t.tracker.noteOwnLine('JOIN #locked');
    t.send('PRIVMSG #locked :again', 'again');
    t.tracker.onServerLine(':irc.test 474 zenbot #locked :Cannot join channel (+b)');
    expect(t.kinds('hi')).toEqual([]);
    t.tracker.onServerLine(':irc.test 404 zenbot #locked :Cannot send to channel');
    expect(t.kinds('hi')).toEqual(['refused']);
    expect(t.kinds('again')).toEqual([]);
  });

  it('with nothing watched, chat is skipped but a refusal still settles the own JOIN it answers', () => {
    const t = setup();
    t.tracker.noteOwnLine('JOIN #locked');
    for (let i = 0; i < 50; i++) t.tracker.onServerLine(`:someone!u@h PRIVMSG #other :flood ${i}`);
    // 403 can answer a JOIN or a PRIVMSG: the first is the JOIN's, so the second is the notice's.
    t.tracker.onServerLine(':irc.test 403 zenbot #locked :No such channel');
    t.send('PRIVMSG #locked :hi', 'hi');
    t.tracker.onServerLine(':irc.test 403 zenbot #locked :No such channel');
    expect(t.kinds('hi')).toEqual(['refused']);
  });

  it('waits to batch lines while more are queued, but not past BARRIER_LINES lines or the delay', () => {
    jest.useFakeTimers();
    const t = setup();
    t.setDepth(100);
    t.send('PRIVMSG #a :1', '1');
    expect(t.pings()).toHaveLength(0);
    for (let i = 2; i < BARRIER_LINES; i++) t.send(`PRIVMSG #a :${i}`, String(i));
    expect(t.pings()).toHaveLength(0);
    t.send(`PRIVMSG #a :${BARRIER_LINES}`, 'last');
    expect(t.pings()).toHaveLength(1);
    const token = t.flushBarrier();
    t.tracker.onServerLine(`:irc.test PONG irc.test :${token}`);
    expect(t.kinds('1')).toEqual(['confirmed']);
    expect(t.kinds('last')).toEqual(['confirmed']);

    t.send('PRIVMSG #a :later', 'later');
    expect(t.pings()).toHaveLength(1);
    t.advance(5000);
    jest.advanceTimersByTime(5000);
    expect(t.pings()).toHaveLength(2);
  });

  it('reports every unsettled line lost when the connection drops; a late PONG proves nothing', () => {
    const t = setup();
    t.send('PRIVMSG #a :x', 'x');
    t.send('NOTICE #a :y', 'y');
    const token = t.flushBarrier();
    t.tracker.connectionLost();
    expect(t.kinds('x')).toEqual(['lost']);
    expect(t.kinds('y')).toEqual(['lost']);
    expect(t.tracker.unsettled).toBe(0);
    t.send('PRIVMSG #a :z', 'z');
    t.tracker.onServerLine(`:irc.test PONG irc.test :${token}`);
    expect(t.kinds('z')).toEqual([]);
    expect(t.flushBarrier()).not.toBe(token);
  });

  it('keeps a bounded number of lines without a listener (chat from out)', () => {
    const t = setup();
    for (let i = 0; i < UNWATCHED_MAX + 50; i++) expect(t.tracker.write(`PRIVMSG #chat :${i}`)).toBe(true);
    expect(t.pings()).toHaveLength(0); // nobody waits for proof: no PING
    expect((t.tracker as unknown as { entries: Map<number, unknown> }).entries.size).toBe(UNWATCHED_MAX);
  });

  it('settled() resolves once the last watched line is settled, false on timeout', async () => {
    const t = setup();
    await expect(t.tracker.settled(10)).resolves.toBe(true);
    t.send('PRIVMSG #a :x', 'x');
    await expect(t.tracker.settled(10)).resolves.toBe(false);
    const waiting = t.tracker.settled(5000);
    const token = t.flushBarrier();
    t.tracker.onServerLine(`:irc.test PONG irc.test :${token}`);
    await expect(waiting).resolves.toBe(true);
  });
});

describe('labeled-response', () => {
  it('labels each message and settles it by its labelled echo, ACK or error', () => {
    const t = setup({ labels: true, echo: true });
    t.send('PRIVMSG #ops :one', 'one');
    t.send('PRIVMSG ghost :two', 'two');
    t.send('NOTICE #ops :three', 'three');
    const labels = t.written.map((l) => /^@label=(\S+) /.exec(l)?.[1]);
    expect(labels.every((l) => l !== undefined)).toBe(true);
    expect(new Set(labels).size).toBe(3);
    expect(t.written[0]).toBe(`@label=${labels[0]} PRIVMSG #ops :one`);
    t.tracker.onServerLine(`@label=${labels[2]} ACK`);
    t.tracker.onServerLine(`@label=${labels[1]};msgid=x :irc.test 401 zenbot ghost :No such nick/channel`);
    t.tracker.onServerLine(`@label=${labels[0]};msgid=abc :zenbot!~z@host PRIVMSG #ops :one`);
    expect(t.kinds('one')).toEqual(['confirmed']);
    expect(t.outcomes.get('two')).toEqual([{ kind: 'refused', refusal: expect.objectContaining({ code: 'no_such_nick', target: 'ghost' }) }]);
    expect(t.kinds('three')).toEqual(['confirmed']);
    expect(t.pings()).toHaveLength(0); // no PING needed
  });

  it('reads a labelled batch: an error inside refuses the line, otherwise the batch end confirms it', () => {
    const t = setup({ labels: true });
    t.send('PRIVMSG #a :x', 'x');
    t.send('PRIVMSG #b :y', 'y');
    const [lx, ly] = t.written.map((l) => /^@label=(\S+) /.exec(l)?.[1]);
    t.tracker.onServerLine(`@label=${lx} :irc.test BATCH +b1 labeled-response`);
    t.tracker.onServerLine(`@batch=b1 :irc.test FAIL PRIVMSG MSG_BLOCKED #a :Message blocked by filter`);
    t.tracker.onServerLine(`:irc.test BATCH -b1`);
    t.tracker.onServerLine(`@label=${ly} :irc.test BATCH +b2 labeled-response`);
    t.tracker.onServerLine(`@batch=b2 :zenbot!~z@host PRIVMSG #b :y`);
    t.tracker.onServerLine(`:irc.test BATCH -b2`);
    expect(t.outcomes.get('x')).toEqual([{ kind: 'refused', refusal: expect.objectContaining({ code: 'fail_msg_blocked', numeric: 'FAIL', reason: 'Message blocked by filter' }) }]);
    expect(t.kinds('y')).toEqual(['confirmed']);
  });

  it('falls back to a PING for a line left without a labelled reply', () => {
    jest.useFakeTimers();
    const t = setup({ labels: true });
    t.send('PRIVMSG #a :x', 'x');
    expect(t.pings()).toHaveLength(0);
    t.advance(REPLY_GRACE_MS);
    jest.advanceTimersByTime(REPLY_GRACE_MS);
    const token = t.flushBarrier();
    t.tracker.onServerLine(`:irc.test PONG irc.test :${token}`);
    expect(t.kinds('x')).toEqual(['confirmed']);
  });
});

describe('echo-message without labels', () => {
  it('confirms the oldest matching line on its echo, and only from the bot itself', () => {
    const t = setup({ echo: true });
    t.send('PRIVMSG #a :same', 'first');
    t.send('PRIVMSG #a :same', 'second');
    t.tracker.onServerLine(':alice!~a@host PRIVMSG #a :same');
    expect(t.kinds('first')).toEqual([]);
    t.tracker.onServerLine(':ZenBot!~z@host PRIVMSG #A :same');
    expect(t.kinds('first')).toEqual(['confirmed']);
    expect(t.kinds('second')).toEqual([]);
  });
});

describe('properties', () => {
  type Op =
    | { op: 'write'; target: number; watched: boolean }
    | { op: 'error'; target: number }
    | { op: 'pong' }
    | { op: 'lost' };
  const ops = fc.array(
    fc.oneof(
      fc.record({ op: fc.constant('write' as const), target: fc.integer({ min: 0, max: 3 }), watched: fc.boolean() }),
      fc.record({ op: fc.constant('error' as const), target: fc.integer({ min: 0, max: 3 }) }),
      fc.record({ op: fc.constant('pong' as const) }),
      fc.record({ op: fc.constant('lost' as const) }),
    ),
    { maxLength: 60 },
  );

  it('every watched line gets exactly one outcome, and is confirmed only after a PING written after it came back', () => {
    fc.assert(
      fc.property(ops, (sequence: Op[]) => {
        const t = setup();
        t.setDepth(0); // a PING goes out after every write that needs one
        const calls: LineOutcome[][] = [];
        /** For each watched line: the number of PINGs written before it. */
        const pingsBefore: number[] = [];
        /** PINGs whose PONG came back, by their order. */
        let pongs = 0;
        let lastProven = 0;
        const early: number[] = [];
        for (const step of sequence) {
          if (step.op === 'write') {
            const n = calls.length;
            if (step.watched) {
              calls.push([]);
              pingsBefore.push(t.pings().length);
              t.tracker.write(`PRIVMSG #t${step.target} :${n}`, (o) => {
                calls[n].push(o);
                // (The tracker swallows a listener's exceptions, so violations are collected.)
                if (o.kind === 'confirmed' && !(lastProven > pingsBefore[n])) early.push(n);
              });
            } else t.tracker.write(`PRIVMSG #t${step.target} :chat`);
          } else if (step.op === 'error') {
            t.tracker.onServerLine(`:irc.test 404 zenbot #t${step.target} :Cannot send to channel`);
          } else if (step.op === 'pong') {
            const ping = t.pings().at(-1);
            if (ping !== undefined && t.pings().length > pongs) {
              pongs = t.pings().length;
              lastProven = pongs;
              t.tracker.onServerLine(`:irc.test PONG irc.test :${ping.slice('PING :'.length)}`);
            }
          } else {
            t.tracker.connectionLost();
          }
        }
        t.tracker.connectionLost();
        for (const outcomes of calls) expect(outcomes).toHaveLength(1);
        expect(early).toEqual([]);
        expect(t.tracker.unsettled).toBe(0);
        t.tracker.close();
      }),
    );
  });
});

describe('a draft/multiline batch', () => {
  const batch = ['BATCH +b1 draft/multiline #a', '@batch=b1 PRIVMSG #a :one', '@batch=b1;draft/multiline-concat PRIVMSG #a :two', 'BATCH -b1'];

  it('with labels: only the opener is labelled; the lines inside keep just their batch tags', () => {
    const t = setup({ labels: true });
    for (const line of batch) t.send(line);
    expect(t.written).toEqual(['@label=zr1 BATCH +b1 draft/multiline #a', '@batch=b1 PRIVMSG #a :one', '@batch=b1;draft/multiline-concat PRIVMSG #a :two', 'BATCH -b1']);
    // the labelled ACK settles the opener; the rest waits for proof (a PING after the grace time)
    t.tracker.onServerLine('@label=zr1 :irc.test ACK');
    expect(t.kinds(batch[0])).toEqual(['confirmed']);
    expect(t.kinds(batch[1])).toEqual([]);
    expect(t.tracker.unsettled).toBe(3);
    t.tracker.close();
  });

  it('with echo-message: the echoed batch confirms every line, no PING needed', () => {
    const t = setup({ echo: true });
    for (const line of batch) t.send(line);
    for (const line of batch) {
      const space = line.startsWith('@') ? line.indexOf(' ') + 1 : 0;
      t.tracker.onServerLine(`${line.slice(0, space)}:zenbot!z@h ${line.slice(space)}`);
    }
    for (const line of batch) expect(t.kinds(line)).toEqual(['confirmed']);
    expect(t.pings()).toEqual([]);
  });

  it('without labels or echoes: a PING after the closer proves the whole batch', () => {
    const t = setup();
    for (const line of batch) t.send(line);
    // (each PONG proves what was written before its PING; the tracker sends the next PING at once)
    for (let i = 0; i < batch.length && t.tracker.unsettled > 0; i++) t.tracker.onServerLine(`:irc.test PONG irc.test :${t.flushBarrier()}`);
    for (const line of batch) expect(t.kinds(line)).toEqual(['confirmed']);
  });

  it('a FAIL BATCH from the server refuses the batch (its opener), whatever its context says', () => {
    const t = setup();
    t.setDepth(10);
    for (const line of batch) t.send(line);
    t.tracker.onServerLine(':irc.test FAIL BATCH MULTILINE_MAX_BYTES 4096 :Multiline batch max-bytes exceeded');
    expect(t.outcomes.get(batch[0])).toEqual([{ kind: 'refused', refusal: expect.objectContaining({ command: 'BATCH', code: 'fail_multiline_max_bytes' }) }]);
    t.tracker.close();
  });
});
