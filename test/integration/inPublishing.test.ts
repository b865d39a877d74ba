/**
 * Publishing on `in`, on a real Redis, ngircd (no flood penalty, so a user
 * can really burst) and the bridge: while Redis is connected no event is
 * dropped, however large the burst, and a flood of bad `out` payloads (whose
 * error events have their own queue) does not push any out. While Redis is
 * down at most ZEN_IN_BUFFER events are kept; the others are counted as
 * dropped, never as published.
 */
import { IrcUser, waitUntil } from '../harness';
import { joinedUser } from '../support/notices';
import { Stack, startStack } from '../support/stack';

jest.setTimeout(120000);

const BURST = 12_500;
const BAD_OUT = 20_000;

const messages = (stack: Stack, prefix: string) =>
  stack.probe.of('privmsg').map((e) => e.data.message).filter((m) => m.startsWith(prefix));

describe('while Redis is connected', () => {
  let stack: Stack;
  const users: IrcUser[] = [];

  beforeAll(async () => {
    // ZEN_IN_BUFFER at its smallest: it must not matter while Redis is up.
    stack = await startStack({ ngircdNoPenalty: true, env: { ZEN_IN_BUFFER: '10' } });
  });

  afterAll(async () => {
    for (const user of users) user.destroy();
    await stack?.stop();
  });

  it(`publishes every one of a ${BURST}-line burst from IRC, in order, during a flood of bad out payloads`, async () => {
    const flooder = await joinedUser(stack.irc, users, 'flooder');
    const bridge = stack.bridge!;
    const before = await bridge.metrics.value(bridge.metrics.inEvents, { type: 'privmsg' });
    for (let i = 1; i <= BURST; i++) flooder.say('#test', `burst ${i}`);
    // Meanwhile, bad payloads on out: each one makes an error event.
    const pipeline = stack.probe.pub.pipeline();
    for (let i = 0; i < BAD_OUT; i++) pipeline.publish(stack.names.out, `{"version":1,"type":"constructor","data":{"n":${i}}}`);
    await pipeline.exec();

    await waitUntil(() => messages(stack, 'burst ').length >= BURST, 90000, `all ${BURST} burst lines on in`);
    expect(messages(stack, 'burst ')).toEqual(Array.from({ length: BURST }, (_, i) => `burst ${i + 1}`));
    expect(await bridge.metrics.value(bridge.metrics.inDropped, { type: 'privmsg' })).toBe(0);
    // Counted once Redis answered the batch, which can be just after the probe got it.
    await waitUntil(async () => (await bridge.metrics.value(bridge.metrics.inEvents, { type: 'privmsg' })) - before >= BURST, 10000, 'the burst to be counted');
    expect((await bridge.metrics.value(bridge.metrics.inEvents, { type: 'privmsg' })) - before).toBe(BURST);
    // Every bad payload was counted; error events beyond their own queue were dropped, not IRC events.
    await waitUntil(async () => (await bridge.metrics.value(bridge.metrics.rejected, { code: 'unknown_type' })) === BAD_OUT, 30000, 'every bad payload to be rejected');
    await waitUntil(() => stack.probe.errors.length >= 1, 10000, 'error events on zenrelay:errors');
    const errorsDropped = await bridge.metrics.value(bridge.metrics.errorsDropped);
    await waitUntil(() => stack.probe.errors.length + errorsDropped >= BAD_OUT, 30000, 'every error event published or counted as dropped');
    expect(stack.probe.errors.length + errorsDropped).toBe(BAD_OUT);
  });
});

describe('while Redis is down', () => {
  let stack: Stack;
  const users: IrcUser[] = [];

  beforeAll(async () => {
    stack = await startStack({ gates: { redis: true }, env: { ZEN_IN_BUFFER: '10' } });
  });

  afterAll(async () => {
    for (const user of users) user.destroy();
    await stack?.stop();
  });

  it('keeps the newest ZEN_IN_BUFFER events, counts the others as dropped and not as published', async () => {
    const alice = await joinedUser(stack.irc, users, 'alice');
    const bridge = stack.bridge!;
    alice.say('#test', 'before the outage');
    await stack.probe.waitForEvent('privmsg', (d) => d.message === 'before the outage');
    await waitUntil(async () => (await bridge.metrics.value(bridge.metrics.inEvents, { type: 'privmsg' })) >= 1, 10000, 'the first event to be counted');
    const published = await bridge.metrics.value(bridge.metrics.inEvents, { type: 'privmsg' });

    stack.redisGate!.close();
    await stack.redis.kill();
    await waitUntil(() => !bridge.status().redis, 15000, 'the bridge to notice Redis is gone');
    for (let i = 1; i <= 30; i++) alice.say('#test', `outage ${i}`);
    await waitUntil(async () => (await bridge.metrics.value(bridge.metrics.inDropped, { type: 'privmsg' })) === 20, 15000, '20 events dropped');
    expect(await bridge.metrics.value(bridge.metrics.inBuffered)).toBe(10);

    await stack.redis.restart();
    await waitUntil(async () => (await stack.probe.subscribers(stack.names.in)) === 1, 20000, 'the probe to resubscribe to in');
    stack.redisGate!.open();
    await waitUntil(() => messages(stack, 'outage ').length >= 10, 20000, 'the kept events on in');
    expect(messages(stack, 'outage ')).toEqual(Array.from({ length: 10 }, (_, i) => `outage ${i + 21}`));
    await waitUntil(async () => (await bridge.metrics.value(bridge.metrics.inBuffered)) === 0, 10000, 'the buffer to empty');
    expect((await bridge.metrics.value(bridge.metrics.inEvents, { type: 'privmsg' })) - published).toBe(10);
    expect(await bridge.metrics.value(bridge.metrics.inDropped, { type: 'privmsg' })).toBe(20);
  });
});
