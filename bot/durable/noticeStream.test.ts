/**
 * NoticeStream against a real redis-server that goes away: a read queued
 * while ioredis waits to reconnect must end when the bot shuts down.
 */
import { busNames } from '@zenrelay/protocol';
import { createLogger } from '@zenrelay/runtime';
import { startRedis, waitUntil } from '../../test/harness';
import { NoticeStream } from './noticeStream';

jest.setTimeout(30000);

it('abortReads ends a read that is waiting for Redis to come back', async () => {
  const redis = await startRedis();
  const stream = new NoticeStream({ target: { kind: 'single', url: redis.url }, names: busNames('abort'), fateTtlSeconds: 60 }, createLogger('silent'));
  try {
    await stream.connect();
    await redis.kill();
    await waitUntil(() => stream.reader.status !== 'ready', 10000, 'the reader to notice Redis is gone');
    const read = stream.readNew(10, 1000);
    let settled = false;
    void read.finally(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(settled).toBe(false); // queued in ioredis, waiting for Redis
    stream.abortReads();
    await expect(read).resolves.toEqual([]);
    await expect(stream.readPending('0', 10)).resolves.toEqual([]);
  } finally {
    await stream.close();
    await redis.stop();
  }
});
