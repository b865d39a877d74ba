/**
 * NoticeStream against a real redis-server: a read queued while ioredis
 * waits to reconnect must end when the bot shuts down; finishes share a
 * transaction without sharing a failure.
 */
import { Redis } from 'ioredis';
import { busNames, NOTICE_GROUP } from '@zenrelay/protocol';
import { createLogger } from '@zenrelay/runtime';
import { startRedis, waitUntil } from '../../test/harness';
import { fateRecord } from './noticeFate';
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

it('finishes asked for in one turn share a transaction, and a notice whose fate Redis refuses fails alone', async () => {
  const redis = await startRedis();
  const names = busNames('batch');
  const stream = new NoticeStream({ target: { kind: 'single', url: redis.url }, names, fateTtlSeconds: 60 }, createLogger('silent'));
  const spy = new Redis(redis.url);
  const receipts = new Redis(redis.url);
  try {
    await stream.connect();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await spy.xadd(names.notices, '*', 'envelope', `{"n":${i}}`)) as string);
    const read = await stream.readNew(10, 100);
    expect(read.map((e) => e.entryId)).toEqual(ids);
    await spy.set(`${names.noticePrefix}n2`, 'not a hash'); // WRONGTYPE for notice n2's HSET
    const heard: string[] = [];
    await receipts.subscribe(names.receipts);
    receipts.on('message', (_channel: string, message: string) => heard.push((JSON.parse(message) as { data: { id: string } }).data.id));
    const before = Number((await spy.info('commandstats')).match(/cmdstat_multi:calls=(\d+)/)?.[1] ?? 0);
    const done = ids.map((entryId, i) =>
      i === 4 ? stream.finish(entryId, undefined, undefined) : stream.finish(entryId, `n${i}`, fateRecord({ id: `n${i}`, entryId, state: 'sent' }, Date.now())),
    );
    const settled = await Promise.allSettled(done);
    const after = Number((await spy.info('commandstats')).match(/cmdstat_multi:calls=(\d+)/)?.[1] ?? 0);
    expect(after - before).toBe(1);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(((settled[2] as PromiseRejectedResult).reason as Error).message).toMatch(/WRONGTYPE/);
    expect(settled[0]).toEqual({ status: 'fulfilled', value: 0 }); // the stream length after the transaction
    expect(await spy.xlen(names.notices)).toBe(0);
    expect(await spy.xpending(names.notices, NOTICE_GROUP)).toEqual([0, null, null, null]);
    expect(await spy.hget(`${names.noticePrefix}n3`, 'state')).toBe('sent');
    expect(await spy.ttl(`${names.noticePrefix}n3`)).toBeGreaterThan(0);
    await waitUntil(() => heard.length === 4, 5000, 'the receipts');
    expect(heard.sort()).toEqual(['n0', 'n1', 'n2', 'n3']);
  } finally {
    spy.disconnect();
    receipts.disconnect();
    await stream.close();
    await redis.stop();
  }
});
