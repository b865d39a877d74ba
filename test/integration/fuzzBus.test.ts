/**
 * 100,000 fuzzed payloads (fast-check, fixed seed): 47% on `out`, 47% on
 * `in` (with hello and help listening) and 6% into the notices stream, interleaved with
 * good notices, against a real Redis, ngircd and the bridge: the bot and the
 * services survive and keep answering, and every good notice arrives with
 * the fate `sent`. Publishes are pipelined, IRC_SEND_RATE=0 and ngircd has no
 * flood penalty, so the run stays short.
 */
import fc from 'fast-check';
import { createLogger } from '@zenrelay/runtime';
import { NoticeClient } from '../../clients/notices';
import { bundledServices, RunningService, ServiceContext } from '../../services';
import { IrcUser, ParsedLine, waitUntil } from '../harness';
import { inboundPayload, noticeFields, outboundPayload } from '../support/fuzz';
import { joinedUser } from '../support/notices';
import { Stack, startStack } from '../support/stack';

jest.setTimeout(240000);

const TOTAL = 100_000;
/** One good notice every this many fuzzed payloads. */
const GOOD_EVERY = 500;
const CHUNK = 5_000;
const SEED = 0x8a8a;

let stack: Stack;
let alice: IrcUser;
let client: NoticeClient;
const users: IrcUser[] = [];
const running: RunningService[] = [];

function context(): ServiceContext {
  return { redisUrl: stack.config.redisUrl, namespace: stack.config.namespace, env: {}, logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent', 'test-service') };
}

const botSays =
  (target: string, text: string | RegExp) =>
  (l: ParsedLine): boolean =>
    l.command === 'PRIVMSG' && l.nick === 'zenbot' && l.params[0] === target && (typeof text === 'string' ? l.params[1] === text : text.test(l.params[1] ?? ''));

beforeAll(async () => {
  stack = await startStack({
    ngircdNoPenalty: true,
    // No JOIN or PART: a fuzzed raw `JOIN 0` would take the bot out of #test, which is not what this test is about.
    env: { IRC_SEND_RATE: '0', IRC_SEND_BURST: '1000', ZEN_RAW_ALLOW: 'NAMES,TOPIC' },
  });
  alice = await joinedUser(stack.irc, users, 'alice');
  client = new NoticeClient({ redis: stack.redis.url });
  await client.connect();
  running.push(await bundledServices.hello.start(context()));
  running.push(await bundledServices.help.start(context()));
});

afterAll(async () => {
  for (const service of running.reverse()) await service.close().catch(() => undefined);
  await client?.close();
  for (const user of users) user.destroy();
  await stack?.stop();
});

it(`survives ${TOTAL} fuzzed payloads on out, in and the notices stream, and delivers every good notice`, async () => {
  // Fewer into the stream: the bot finishes notices one transaction each, a few hundred a second on a loaded box.
  const outs = fc.sample(outboundPayload, { numRuns: Math.ceil(TOTAL * 0.47), seed: SEED });
  const ins = fc.sample(inboundPayload, { numRuns: Math.ceil(TOTAL * 0.47), seed: SEED + 1 });
  const notices = fc.sample(noticeFields, { numRuns: TOTAL - outs.length - ins.length, seed: SEED + 2 });
  const { names, probe } = stack;
  const goodIds: string[] = [];

  alice.mark();
  let pipeline = probe.pub.pipeline();
  for (let i = 0; i < TOTAL; i++) {
    const lane = i % 100;
    if (lane < 47 && outs.length > 0) pipeline.publish(names.out, outs.pop() as string);
    else if (lane < 94 && ins.length > 0) {
      const payload = ins.pop() as string;
      probe.markOwnIn(payload);
      pipeline.publish(names.in, payload);
    } else if (notices.length > 0) {
      const fields = notices.pop() as string[];
      // XADD needs at least one field/value pair.
      pipeline.xadd(names.notices, '*', ...(fields.length >= 2 ? fields.slice(0, fields.length - (fields.length % 2)) : ['nothing', '']));
    }
    if (i % GOOD_EVERY === 0) {
      const id = `good-${goodIds.length + 1}`;
      goodIds.push(id);
      pipeline.xadd(names.notices, '*', 'envelope', JSON.stringify({ version: 1, type: 'privmsg', data: { to: 'alice', message: `good notice ${id}`, id } }));
    }
    if ((i + 1) % CHUNK === 0) {
      await pipeline.exec();
      pipeline = probe.pub.pipeline();
    }
  }
  await pipeline.exec();

  // Every good notice arrives, once Redis has handed the bot the whole stream.
  const received = () => new Set(alice.privmsgs().filter((m) => m.target === 'alice' && m.from === 'zenbot').map((m) => m.text));
  await waitUntil(() => goodIds.every((id) => received().has(`good notice ${id}`)), 180000, `all ${goodIds.length} good notices to reach alice`);
  for (const id of goodIds) expect(await client.fate(id)).toMatchObject({ state: 'sent' });
  await waitUntil(async () => (await client.redis.xlen(names.notices)) === 0, 60000, 'the notices stream to be drained');

  // The bot and both services are alive and answer.
  const bridge = stack.bridge!;
  expect(bridge.status()).toMatchObject({ redis: true, ircReady: true });
  expect(await bridge.metrics.value(bridge.metrics.noticesDeadLettered)).toBe(0);
  expect(await bridge.metrics.value(bridge.metrics.inDropped, { type: 'privmsg' })).toBe(0);
  await waitUntil(() => bridge.status().queueDepth === 0, 60000, 'the send queue to drain');
  for (const [text, answer] of [
    ['hello', 'Hello alice'],
    ['!woot', 'Indeed!'],
    ['!help', /^Commands: /],
  ] as const) {
    alice.mark();
    alice.say('#test', text);
    await alice.waitFor(botSays('#test', answer), 30000);
  }
  alice.mark();
  await probe.say('#test', 'still relaying after the fuzz');
  await alice.waitFor(botSays('#test', 'still relaying after the fuzz'), 30000);
});
