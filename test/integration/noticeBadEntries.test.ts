/**
 * Bad entries in the notices stream, on a real Redis, ngircd and the bridge:
 * each gets its own fate (`rejected`, with the reason) and is acknowledged,
 * and the good notices read in the same batch are all sent. An entry whose
 * fate Redis refuses for good goes to the dead-letter stream, counted.
 */
import { NoticeClient } from '../../clients/notices';
import { INHERITED_NAMES } from '@zenrelay/protocol';
import { IrcUser, waitUntil } from '../harness';
import { joinedUser, textsOn } from '../support/notices';
import { Stack, startStack } from '../support/stack';

jest.setTimeout(90000);

let stack: Stack;
let alice: IrcUser;
let client: NoticeClient;
const users: IrcUser[] = [];

beforeAll(async () => {
  stack = await startStack({ startBridge: false, ngircdNoPenalty: true, env: { IRC_SEND_RATE: '100', IRC_SEND_BURST: '20' } });
  alice = await joinedUser(stack.irc, users, 'alice');
  client = new NoticeClient({ redis: stack.redis.url });
  await client.connect();
});

afterAll(async () => {
  await client?.close();
  for (const user of users) user.destroy();
  await stack?.stop();
});

const xadd = async (...fields: string[]): Promise<string> => (await client.redis.xadd(stack.names.notices, '*', ...fields)) as string;
const envelopeOf = (type: string, id: string, message = 'x', to = '#test') => JSON.stringify({ version: 1, type, data: { to, message, id } });
const good = (id: string) => xadd('envelope', envelopeOf('privmsg', id, `good ${id}`));

/** Bad entries, each with the fate code it must get. */
async function queueBad(tag: string): Promise<Map<string, string>> {
  const expected = new Map<string, string>();
  for (const type of INHERITED_NAMES) {
    const id = `${tag}-type-${type}`;
    await xadd('envelope', envelopeOf(type, id));
    expected.set(id, 'unknown_type');
  }
  await xadd('envelope', JSON.stringify({ version: 1, type: 'raw', command: 'JOIN #elsewhere', data: { id: `${tag}-raw` } }));
  expected.set(`${tag}-raw`, 'unknown_type');
  await xadd('envelope', envelopeOf('privmsg', `${tag}-target`, 'x', '#a b'));
  expected.set(`${tag}-target`, 'bad_target');
  await xadd('envelope', envelopeOf('notice', `${tag}-empty`, ''));
  expected.set(`${tag}-empty`, 'empty_message');
  await xadd('envelope', JSON.stringify({ version: 1, type: 'privmsg', data: { to: 5, message: 'x', id: `${tag}-field` } }));
  expected.set(`${tag}-field`, 'invalid_field');
  await xadd('envelope', JSON.stringify({ version: 9, type: 'privmsg', data: { to: '#test', message: 'x', id: `${tag}-version` } }));
  expected.set(`${tag}-version`, 'unsupported_version');
  // No id to be found in these: their fate is kept under the stream entry id.
  expected.set(await xadd('envelope', '{"version":1,"type":'), 'invalid_json');
  expected.set(await xadd('envelope', '[1,2,3]'), 'not_an_object');
  expected.set(await xadd('envelop', envelopeOf('privmsg', 'misspelt')), 'invalid_field');
  expected.set(await xadd('constructor', 'x', '__proto__', 'y'), 'invalid_field');
  return expected;
}

/** good-1, bad…, good-2, bad…, good-n: all of it well within one read batch of 50. */
async function queueInterleaved(tag: string, goods: number): Promise<{ goodIds: string[]; bad: Map<string, string> }> {
  const goodIds: string[] = [];
  const bad = new Map<string, string>();
  for (let i = 1; i <= goods; i++) {
    const id = `${tag}-good-${i}`;
    await good(id);
    goodIds.push(id);
    if (i < goods) for (const [k, v] of await queueBad(`${tag}-${i}`)) bad.set(k, v);
    if (bad.size > 40) break;
  }
  return { goodIds, bad };
}

async function expectFates(goodIds: string[], bad: Map<string, string>): Promise<void> {
  await waitUntil(async () => (await client.redis.xlen(stack.names.notices)) === 0, 30000, 'every entry to be acknowledged');
  for (const id of goodIds) expect(await client.fate(id)).toMatchObject({ id, state: 'sent' });
  for (const [id, code] of bad) {
    const fate = await client.fate(id);
    expect({ id, state: fate?.state, code: fate?.code }).toEqual({ id, state: 'rejected', code });
    expect(fate?.reason).toEqual(expect.any(String));
  }
  expect(stack.bridge?.status().ircReady).toBe(true);
}

it('rejects each bad entry queued while the bot was down, and sends every good one around it', async () => {
  const { goodIds, bad } = await queueInterleaved('down', 4);
  expect(bad.size).toBeGreaterThan(20);
  alice.mark();
  await stack.startBridge();
  await alice.waitForCount((l) => l.command === 'PRIVMSG' && (l.params[1] ?? '').startsWith('good down-'), goodIds.length, 30000);
  expect(textsOn(alice, '#test').filter((t) => t.startsWith('good down-'))).toEqual(goodIds.map((id) => `good ${id}`));
  await expectFates(goodIds, bad);
  const rejected = await stack.bridge!.metrics.value(stack.bridge!.metrics.notices, { state: 'rejected' });
  expect(rejected).toBe(bad.size);
});

it('does the same for bad entries arriving while the bot runs', async () => {
  alice.mark();
  const { goodIds, bad } = await queueInterleaved('live', 4);
  await alice.waitForCount((l) => l.command === 'PRIVMSG' && (l.params[1] ?? '').startsWith('good live-'), goodIds.length, 30000);
  await expectFates(goodIds, bad);
});

it('moves an entry whose fate Redis refuses for good to the dead-letter stream, and carries on', async () => {
  const bridge = stack.bridge!;
  // Another program holds a string under the fate key: HSET gets WRONGTYPE, every time.
  await client.redis.set(`${stack.names.noticePrefix}clash`, 'not a hash');
  alice.mark();
  await good('before-clash');
  const clashEntry = await xadd('envelope', envelopeOf('privmsg', 'clash', 'good clash'));
  await good('after-clash');
  await alice.waitForCount((l) => l.command === 'PRIVMSG' && /^good (before-clash|clash|after-clash)$/.test(l.params[1] ?? ''), 3, 30000);
  await waitUntil(async () => (await client.redis.xlen(stack.names.noticesDead)) === 1, 15000, 'one dead letter');
  const [[, fields]] = (await client.redis.xrange(stack.names.noticesDead, '-', '+')) as Array<[string, string[]]>;
  const letter = Object.fromEntries(fields.flatMap((_, i) => (i % 2 === 0 ? [[fields[i], fields[i + 1]]] : [])));
  expect(letter).toEqual({
    entry: clashEntry,
    reason: expect.stringMatching(/WRONGTYPE/),
    at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    fields: JSON.stringify(['envelope', envelopeOf('privmsg', 'clash', 'good clash')]),
  });
  expect(await bridge.metrics.value(bridge.metrics.noticesDeadLettered)).toBe(1);
  expect(await client.fate('after-clash')).toMatchObject({ state: 'sent' });
  await waitUntil(async () => (await client.redis.xlen(stack.names.notices)) === 0, 10000, 'every entry to be acknowledged');
  await waitUntil(() => bridge.status().queueDepth === 0, 10000, 'the send queue to drain');
  // Nothing stays in flight: the clash did not keep a slot of the window.
  await waitUntil(async () => (await bridge.metrics.value(bridge.metrics.noticesInFlight)) === 0, 10000, 'nothing in flight');
});
