import { formatDuration, formatStatus } from './format';

describe('zen status output', () => {
  it('formats uptimes', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(75)).toBe('1m 15s');
    expect(formatDuration(2 * 3600 + 5 * 60 + 9)).toBe('2h 5m');
    expect(formatDuration(3 * 86400 + 3600)).toBe('3d 1h');
  });

  it('prints the state, and the channels the bot is missing', () => {
    const text = formatStatus(
      {
        version: '1.2.3',
        uptime_seconds: 61,
        started: '2026-12-01T10:00:00.000Z',
        redis: { connected: true },
        irc: { server: 'irc.example:6667', registered: true, ready: false, nick: 'zen', channels: ['#a'], wanted_channels: ['#A', '#b'] },
        send_queue_depth: 1,
      },
      'net1',
    );
    expect(text).toBe(
      [
        'zenrelay 1.2.3 on namespace net1, up 1m 1s (since 2026-12-01T10:00:00.000Z)',
        'IRC:        registered, joining channels on irc.example:6667 as zen',
        'Channels:   #a; not in #b',
        'Redis:      connected',
        'Send queue: 1 line',
        '',
      ].join('\n'),
    );
    expect(formatStatus({}, '')).toContain('not connected');
  });
});
