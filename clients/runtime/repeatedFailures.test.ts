import pino from 'pino';
import { formatDuration, RepeatedFailures } from './repeatedFailures';

function capture() {
  const lines: Array<{ level: number; msg: string; [k: string]: unknown }> = [];
  const log = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { log, lines };
}

const refused = { cause: 'refused', message: 'connection refused by 127.0.0.1:6667', hint: 'is the IRC server running?' };

describe('RepeatedFailures', () => {
  it('logs the first failure in full, then only a summary per interval, then the recovery', () => {
    const { log, lines } = capture();
    let now = 0;
    const failures = new RepeatedFailures(log, { what: 'IRC', summaryIntervalMs: 60_000, now: () => now });
    failures.failed(refused, 1000);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, cause: 'refused', msg: 'IRC: connection refused by 127.0.0.1:6667; is the IRC server running?' });
    for (let i = 0; i < 10; i++) {
      now += 5000;
      failures.failed(refused, 30_000);
    }
    expect(lines).toHaveLength(1);
    now += 15_000;
    failures.failed(refused, 30_000);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ level: 40, attempts: 12, msg: 'IRC still failing: connection refused by 127.0.0.1:6667, 12 attempts, next in 30 s' });
    failures.succeeded();
    expect(lines[2]).toMatchObject({ level: 30, attempts: 12, msg: 'IRC connected again after 12 failed attempts' });
    failures.succeeded();
    expect(lines).toHaveLength(3);
  });

  it('logs a new cause in full at once', () => {
    const { log, lines } = capture();
    const failures = new RepeatedFailures(log, { what: 'IRC', now: () => 0 });
    failures.failed(refused);
    failures.failed({ cause: 'dns', message: 'the name "x.invalid" does not resolve', hint: 'check IRC_HOST' });
    failures.failed(refused);
    expect(lines.map((l) => l.cause)).toEqual(['refused', 'dns', 'refused']);
  });

  it('starts over silently after reset', () => {
    const { log, lines } = capture();
    const failures = new RepeatedFailures(log, { what: 'Redis', now: () => 0 });
    failures.failed(refused);
    failures.reset();
    expect(failures.attempts).toBe(0);
    failures.failed(refused);
    expect(lines).toHaveLength(2);
  });
});

it('formats durations for people', () => {
  expect(formatDuration(850)).toBe('850 ms');
  expect(formatDuration(30_000)).toBe('30 s');
  expect(formatDuration(240_000)).toBe('4 min');
  expect(formatDuration(7_500_000)).toBe('2 h 5 min');
});
