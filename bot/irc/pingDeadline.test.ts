import { Client } from 'irc-framework';
import { useDeadlinePingTimeout } from './pingDeadline';

/** A stand-in with the Client internals the deadline timer uses; time and timers are manual. */
function fakeClient(pingTimeoutSeconds: number) {
  let clock = 0;
  const timers: Array<{ at: number; fn: () => void }> = [];
  const events: string[] = [];
  const ended: Array<{ data?: string; hadError?: boolean }> = [];
  const client = {
    options: { ping_timeout: pingTimeoutSeconds },
    connection: {
      setTimeout: (fn: () => void, ms: number) => timers.push({ at: clock + ms, fn }),
      end: (data?: string, hadError?: boolean) => ended.push({ data, hadError }),
    },
    startPingTimeoutTimer: () => undefined,
    resetPingTimeoutTimer: () => undefined,
    debugOut: () => undefined,
    emit: (event: string) => events.push(event) > 0,
    rawString: (...params: string[]) => `${params[0]} :${params[1]}`,
  };
  /** Moves the clock to `to`, firing due timers in order. */
  const advance = (to: number) => {
    for (;;) {
      timers.sort((a, b) => a.at - b.at);
      const next = timers[0];
      if (!next || next.at > to) break;
      timers.shift();
      clock = next.at;
      next.fn();
    }
    clock = to;
  };
  return { client, advance, events, ended, timers, now: () => clock };
}

describe('useDeadlinePingTimeout', () => {
  it('times out after ping_timeout seconds without a message, with irc-framework\'s event and QUIT', () => {
    const f = fakeClient(5);
    expect(useDeadlinePingTimeout(f.client as unknown as Client, f.now)).toBe(true);
    f.client.startPingTimeoutTimer();
    f.advance(4999);
    expect(f.events).toEqual([]);
    f.advance(5000);
    expect(f.events).toEqual(['ping timeout']);
    expect(f.ended).toEqual([{ data: 'QUIT :Ping timeout (5 seconds)', hadError: true }]);
  });

  it('each message moves the deadline; one timer at a time, however many messages', () => {
    const f = fakeClient(5);
    useDeadlinePingTimeout(f.client as unknown as Client, f.now);
    f.client.startPingTimeoutTimer();
    for (let t = 100; t <= 20000; t += 100) {
      f.advance(t);
      f.client.resetPingTimeoutTimer();
      expect(f.timers.length).toBe(1);
    }
    expect(f.events).toEqual([]);
    f.advance(24999);
    expect(f.events).toEqual([]);
    f.advance(25000);
    expect(f.events).toEqual(['ping timeout']);
  });

  it('does nothing when ping_timeout is 0', () => {
    const f = fakeClient(0);
    useDeadlinePingTimeout(f.client as unknown as Client, f.now);
    f.client.startPingTimeoutTimer();
    f.client.resetPingTimeoutTimer();
    f.advance(1_000_000);
    expect(f.timers).toEqual([]);
    expect(f.events).toEqual([]);
  });

  it('leaves a client without the expected internals alone', () => {
    const odd = { connection: {} } as unknown as Client;
    expect(useDeadlinePingTimeout(odd)).toBe(false);
  });

  it('finds the internals in the installed irc-framework', () => {
    expect(useDeadlinePingTimeout(new Client())).toBe(true);
  });
});
