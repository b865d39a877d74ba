import type { BridgeStatus } from '../bridge';
import { healthReport } from './health';

const ready: BridgeStatus = {
  redis: true,
  ircRegistered: true,
  ircReady: true,
  nick: 'zenbot',
  channels: ['#test', '#Other'],
  wantedChannels: ['#test', '#other'],
  queueDepth: 3,
};

describe('healthReport', () => {
  it('is ok when Redis is connected, the bot registered and every wanted channel joined (case-insensitive)', () => {
    expect(healthReport(ready)).toEqual({
      status: 'ok',
      reasons: [],
      redis: true,
      irc: { registered: true, nick: 'zenbot', channels: ['#test', '#Other'] },
      queueDepth: 3,
    });
  });

  it('names every missing piece', () => {
    const report = healthReport({ ...ready, redis: false, ircRegistered: false, ircReady: false, channels: [] });
    expect(report.status).toBe('unavailable');
    expect(report.reasons).toEqual(['redis disconnected', 'irc not registered', 'not joined: #test', 'not joined: #other']);
  });

  it('reports a channel the bot could not join even while registered', () => {
    const report = healthReport({ ...ready, channels: ['#test'] });
    expect(report).toMatchObject({ status: 'unavailable', reasons: ['not joined: #other'] });
  });

  it('is ok with no channels configured once registered', () => {
    expect(healthReport({ ...ready, channels: [], wantedChannels: [] }).status).toBe('ok');
  });
});
