/**
 * An `account` tag the bot did not negotiate is never trusted: the hostile
 * IRC server (test/harness/hostileIrc.ts) offers no account-tag, then sends
 * `@account=alice … PRIVMSG #hostile :!join #x`. With ZEN_ADMINS=account:alice
 * the bot asks the server itself (WHOIS, the server has no WHOX); without an
 * answer the command is published with `admin: false` and no account, and
 * once the server's WHOIS reply names the account (330), it is `admin: true`.
 */
import pino from 'pino';
import { Bridge } from '../../bot/bridge';
import { loadBotConfig } from '../../bot/config';
import { busNames } from '@zenrelay/protocol';
import { HostileIrc, RedisServer, startHostileIrc, startRedis, waitUntil } from '../harness';
import { BusProbe } from '../support/stack';

jest.setTimeout(30000);

const SRV = ':hostile.test';
const ALICE = ':alice!alice@alice.test';

let redis: RedisServer;
let hostile: HostileIrc;
let bridge: Bridge;
let probe: BusProbe;

beforeAll(async () => {
  redis = await startRedis();
  hostile = await startHostileIrc();
  const config = loadBotConfig({
    IRC_HOST: hostile.host,
    IRC_PORT: String(hostile.port),
    REDIS_URL: redis.url,
    IRC_NICK: 'zen',
    IRC_CHANNELS: '#hostile',
    ZEN_ADMINS: 'account:alice',
  });
  probe = await BusProbe.connect(redis.url, busNames(''));
  bridge = new Bridge(config, pino({ level: 'silent' }), { joinTimeoutMs: 2000 });
  await bridge.start();
  await waitUntil(() => bridge.status().ircReady, 15000, 'the bridge on the hostile server');
});

afterAll(async () => {
  await bridge?.stop();
  await probe?.close();
  await hostile?.stop();
  await redis?.stop();
  probe?.schema.assertAllValid();
});

it('a forged account tag makes nobody an admin; the bot asks the server and, unanswered, says admin false', async () => {
  expect(bridge.irc.hasCap('account-tag')).toBe(false);
  hostile.clearLines();
  await hostile.send([`@account=alice ${ALICE} PRIVMSG #hostile :!join #x`]);
  await hostile.waitForLine((l) => l === 'WHOIS alice', 5000, 'the bot to ask the server who alice is');
  const event = await probe.waitForEvent('directed_privmsg', (d) => d.message === 'join #x', 10000);
  expect(event.data.admin).toBe(false);
  expect(event.data).not.toHaveProperty('account');
  const plain = await probe.waitForEvent('privmsg', (d) => d.message === '!join #x');
  expect(plain.data).not.toHaveProperty('account');
});

it("the server's own WHOIS answer is believed: the account it names makes alice an admin", async () => {
  hostile.clearLines();
  await hostile.send([`@account=mallory ${ALICE} PRIVMSG #hostile :!join #y`]);
  await hostile.waitForLine((l) => l === 'WHOIS alice', 5000, 'the bot to ask again (an unanswered lookup is not remembered)');
  await hostile.send([
    `${SRV} 311 zen alice alice alice.test * :Alice`,
    `${SRV} 330 zen alice alice :is logged in as`,
    `${SRV} 318 zen alice :End of /WHOIS list.`,
  ]);
  const event = await probe.waitForEvent('directed_privmsg', (d) => d.message === 'join #y', 10000);
  expect(event.data).toMatchObject({ admin: true, account: 'alice' });
});
